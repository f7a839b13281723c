import { botEnvSchema } from '../config/bot-env.js';
import { loadDotEnv } from '../config/dotenv.js';
import { formatIssues } from '../config/format-issues.js';
import { inviteUrl, REQUIRED_PERMISSIONS } from '../discord/bot-permissions.js';
import { exitWith } from './startup.js';

/**
 * `npm run invite [-- <application id>]`: the URL that adds the bot to a server with its
 * commands and exactly the permissions it uses, and what each is for. The id comes from the
 * argument, else DISCORD_CLIENT_ID (.env); nothing else needs to be set yet.
 */
loadDotEnv();
const given = process.argv[2] ?? process.env.DISCORD_CLIENT_ID;
const parsed = botEnvSchema.pick({ DISCORD_CLIENT_ID: true }).safeParse({ DISCORD_CLIENT_ID: given });
if (!parsed.success) exitWith('tokenops-invite', [...formatIssues(parsed.error.issues), 'give the application id (Developer Portal → your app → General Information) as `npm run invite -- <id>` or DISCORD_CLIENT_ID in .env']);
process.stdout.write(`${inviteUrl(parsed.data.DISCORD_CLIENT_ID)}\n\nIt asks for these permissions, and no others:\n${REQUIRED_PERMISSIONS.map((permission) => `  ${permission.name}: to ${permission.for}`).join('\n')}\n`);
