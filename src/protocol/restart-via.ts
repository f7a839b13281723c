import { z } from 'zod';

/**
 * How an agent restarts its gateway: by asking it (OpenClaw's gateway.restart.request over
 * its admin HTTP RPC; TOKENOPS_RESTART_VIA=gateway), or by TOKENOPS_RESTART_CMD.
 */
export const restartViaSchema = z.enum(['gateway', 'command']);
export type RestartVia = z.infer<typeof restartViaSchema>;
