import type { PartialStrykerOptions } from '@stryker-mutator/api/core';

export declare const SAFETY_FILES: string[];
export declare const SCOPE: string[];
declare const config: PartialStrykerOptions;
export default config;
