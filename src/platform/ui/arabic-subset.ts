// The code points kept in the self-hosted Arabic-script font (scripts/build-fonts.ts).
const ranges: [number, number][] = [
  [0x0020, 0x0020], // space
  [0x060c, 0x060c], // comma
  [0x061b, 0x061f], // semicolon, question mark
  [0x0621, 0x063a], // letters
  [0x0640, 0x0655], // tatweel, letters, harakat
  [0x0660, 0x066c], // Arabic-Indic digits, separators
  [0x0670, 0x0670], // superscript alef
  [0x067e, 0x067e], // peh
  [0x0686, 0x0686], // tcheh
  [0x0698, 0x0698], // jeh
  [0x06a9, 0x06a9], // keheh
  [0x06af, 0x06af], // gaf
  [0x06c0, 0x06c0], // heh with yeh above
  [0x06cc, 0x06cc], // Farsi yeh
  [0x06d4, 0x06d4], // full stop
  [0x06f0, 0x06f9], // Extended Arabic-Indic (Persian) digits
  [0x200c, 0x200f], // ZWNJ (Persian half-space), ZWJ, LRM, RLM
];

export const ARABIC_SUBSET = new Set(
  ranges.flatMap(([from, to]) => Array.from({ length: to - from + 1 }, (_, i) => from + i)),
);

/** Characters the font-face is used for (its unicode-range in styles.css). */
export const isArabicScript = (codePoint: number) =>
  (codePoint >= 0x0600 && codePoint <= 0x06ff) || (codePoint >= 0x0750 && codePoint <= 0x077f);
