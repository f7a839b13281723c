import type { StandinContext } from './context.js';
import type { Json } from './http-util.js';
import { snowflake } from './snowflake.js';
import type { RegisteredCommand } from './types.js';

/**
 * The application commands the bot registered, per scope ('global' or a guild id), stored as Discord returns
 * them (ids, version, defaults filled in). Injected slash commands read their option types from here.
 */
export class CommandRegistry {
  /** Every bulk command registration: scope ('global' or a guild id) and the names. */
  readonly registrations: Array<{ scope: string; names: string[]; at: number }> = [];
  private readonly byScope = new Map<string, RegisteredCommand[]>();

  constructor(private readonly ctx: StandinContext) {}

  /** Global ones, then each guild's (with guild_id). */
  get all(): RegisteredCommand[] {
    return [...this.byScope.values()].flat();
  }

  inScope(scope: string): RegisteredCommand[] {
    return this.byScope.get(scope) ?? [];
  }

  /**
   * Replaces a scope's commands. A command that was there already (same name and type) keeps its id, as on
   * Discord, so a bot re-registering on every start does not change ids. `bulk` (a PUT) is recorded.
   */
  store(scope: string, definitions: Json[], bulk: boolean): RegisteredCommand[] {
    const previous = this.inScope(scope);
    const stored = definitions.map((definition) => {
      const type = Number(definition.type ?? 1);
      const kept = previous.find((command) => command.name === definition.name && (command.type ?? 1) === type);
      return {
        name_localizations: null,
        description_localizations: null,
        default_member_permissions: null,
        nsfw: false,
        contexts: null,
        integration_types: [0],
        options: [],
        description: '',
        ...definition,
        id: kept?.id ?? snowflake(),
        application_id: this.ctx.applicationId,
        ...(scope === 'global' ? {} : { guild_id: scope }),
        version: snowflake(),
        type,
      } as unknown as RegisteredCommand;
    });
    this.byScope.set(scope, stored);
    if (bulk) this.registrations.push({ scope, names: stored.map((command) => command.name), at: Date.now() });
    this.ctx.feed.notify();
    return stored;
  }

  remove(scope: string, index: number): void {
    this.byScope.set(scope, this.inScope(scope).filter((_command, i) => i !== index));
    this.ctx.feed.notify();
  }

  /** The chat-input definition for option types: this guild's, else global, else any (a test may fake another guild or a DM). */
  find(name: string, guildId: string | null): RegisteredCommand | undefined {
    const scopes = [...(guildId ? [guildId] : []), 'global', ...this.byScope.keys()];
    for (const scope of scopes) {
      const found = this.byScope.get(scope)?.find((command) => command.name === name && (command.type ?? 1) === 1);
      if (found) return found;
    }
    return undefined;
  }
}
