/*
 * What a test file produced that the suite-wide secret scan should read, besides the
 * output of spawned processes (capturedOutput): the Discord stand-ins the bots talked to
 * (their request bodies are every payload a bot sent) and the bots' state stores (audit
 * log, alert state, pending plans). The support modules that start those register them
 * here; test/support/suite-capture.setup.ts hands it all to the scan after each file.
 */
export const suiteCapture = {
  standins: new Set<{ requestBodies: readonly string[] }>(),
  stateUrls: new Set<string>(),
  /** The hostile-input tests' figures (issue 9): inputs sent, and how many changed state. */
  hostile: { tried: 0, changed: 0 },
};
