import path from 'node:path';
import { PACKAGE_ROOT } from '../runtime/entry-point.js';

/*
 * The picture's text is drawn from fonts shipped in `assets/fonts/` (DejaVu Sans, its
 * licence beside it), never from the machine's: the same PNG on a laptop, in CI and in the
 * container, and no surprise when a slim image has no fonts at all. Resolved from the
 * checkout, not the working directory (the container runs from its state dir).
 */

export const FONT_FAMILY = 'DejaVu Sans';

export const FONT_FILES: readonly string[] = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((name) => path.join(PACKAGE_ROOT, 'assets/fonts', name));
