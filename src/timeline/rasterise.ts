import { Resvg, renderAsync, type ResvgRenderOptions } from '@resvg/resvg-js';
import { FONT_FAMILY, FONT_FILES } from './fonts.js';

/*
 * SVG to PNG with resvg (its binary comes inside the registry package: no canvas, no
 * browser). The shipped fonts only, never the system's: the same pixels everywhere, which
 * the golden images and the pixel tests rely on.
 */

const OPTIONS: ResvgRenderOptions = {
  font: { loadSystemFonts: false, fontFiles: [...FONT_FILES], defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
  shapeRendering: 2,
  textRendering: 1,
  logLevel: 'error',
};

/**
 * ECharts writes a text's font as the CSS shorthand (`font: bold 13px DejaVu Sans`), which
 * resvg ignores (every label came out 12 px regular); the longhand properties it reads.
 */
export function longhandFonts(svg: string): string {
  return svg.replace(/style="font:\s*((?:[\w-]+\s+)*?)(\d+(?:\.\d+)?)px\s+([^";]+?);?"/g, (_match, modifiers: string, size: string, family: string) => {
    const words = modifiers.trim().split(/\s+/);
    const bold = words.some((word) => word === 'bold' || word === 'bolder' || Number(word) >= 600);
    const italic = words.includes('italic');
    return `style="font-size:${size}px;font-family:${family.trim()};${bold ? 'font-weight:bold;' : ''}${italic ? 'font-style:italic;' : ''}"`;
  });
}

/** On libuv's thread pool: the bot keeps answering other interactions meanwhile. */
export async function rasterise(svg: string): Promise<Buffer> {
  const image = await renderAsync(longhandFonts(svg), OPTIONS);
  return image.asPng();
}

/** The same, on the calling thread (scripts, benches comparing the two). */
export function rasteriseSync(svg: string): Buffer {
  return new Resvg(longhandFonts(svg), OPTIONS).render().asPng();
}
