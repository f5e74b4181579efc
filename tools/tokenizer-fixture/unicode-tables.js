// Generates src/EdgeBert.Core/Text/BertUnicodeTables.g.cs by probing HuggingFace's own Rust
// BertNormalizer and BertPreTokenizer (npm `tokenizers`, pinned in package.json) one code point
// at a time. Why probe instead of reading UnicodeData.txt: HF classifies characters with the
// `unicode_categories` crate (an old Unicode version: newer characters count as unassigned and
// are deleted by clean_text) while it lowercases and decomposes with newer tables. Probing the
// real implementation reproduces exactly that mix; .NET's own tables (and string.Normalize, a
// no-op under InvariantGlobalization) would not.
//
// Usage: npm ci && node unicode-tables.js   (rewrites the C# file; commit the result)
'use strict';
const fs = require('fs');
const path = require('path');
const tk = require('tokenizers');

const clean = tk.bertNormalizer({ cleanText: true, handleChineseChars: false, stripAccents: false, lowercase: false });
const chinese = tk.bertNormalizer({ cleanText: false, handleChineseChars: true, stripAccents: false, lowercase: false });
const strip = tk.bertNormalizer({ cleanText: false, handleChineseChars: false, stripAccents: true, lowercase: false });
const lower = tk.bertNormalizer({ cleanText: false, handleChineseChars: false, stripAccents: false, lowercase: true });
const pre = tk.bertPreTokenizer();

const MAX = 0x10ffff;
const isSurrogate = (cp) => cp >= 0xd800 && cp <= 0xdfff;

// Hangul syllables decompose algorithmically (Unicode 3.12); checked against the probe below
// rather than stored (11,172 entries).
const SBase = 0xac00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11a7, TCount = 28, NCount = 588, SCount = 11172;
function hangulNfd(cp) {
  const s = cp - SBase;
  let r = String.fromCharCode(LBase + Math.floor(s / NCount), VBase + Math.floor((s % NCount) / TCount));
  if (s % TCount !== 0) r += String.fromCharCode(TBase + (s % TCount));
  return r;
}

const removed = [], whitespace = [], chineseCps = [], punct = [], preWhitespace = [];
const lowerMap = [], stripMap = [], nonspacingMarks = [];
for (let cp = 0; cp <= MAX; cp++) {
  if (isSurrogate(cp)) { removed.push(cp); continue; } // lone surrogates reach HF as U+FFFD: removed
  const c = String.fromCodePoint(cp);
  const cl = clean.normalizeString(c);
  if (cl === '') removed.push(cp);
  else if (cl === ' ' && cp !== 0x20) whitespace.push(cp);
  else if (cl !== c) throw new Error(`clean_text maps U+${cp.toString(16)} unexpectedly to ${JSON.stringify(cl)}`);

  const ch = chinese.normalizeString(c);
  if (ch === ' ' + c + ' ') chineseCps.push(cp);
  else if (ch !== c) throw new Error(`handle_chinese_chars maps U+${cp.toString(16)} unexpectedly`);

  const st = strip.normalizeString(c);
  if (cp >= SBase && cp < SBase + SCount) {
    if (st !== hangulNfd(cp)) throw new Error(`Hangul U+${cp.toString(16)} does not decompose algorithmically`);
  } else if (st === '') nonspacingMarks.push(cp);
  else if (st !== c) stripMap.push([cp, st]);

  const lo = lower.normalizeString(c);
  if (lo !== c) lowerMap.push([cp, lo]);

  const parts = pre.preTokenizeString('a' + c + 'b');
  if (parts.length === 3) punct.push(cp);
  else if (parts.length === 2) preWhitespace.push(cp);
  else if (parts.length !== 1) throw new Error(`pre-tokenizer splits U+${cp.toString(16)} into ${parts.length}`);
}

// Canonical reordering. HF's strip_accents runs NFD over the whole string, which sorts runs of
// combining marks by canonical combining class (ccc) before the nonspacing marks are deleted.
// Only marks with ccc != 0 that survive the deletion (a few spacing marks: viramas, Hangul tone
// marks, musical symbols) can end up reordered, and a deleted mark with ccc 0 still blocks a
// run. All of it is measured on HF itself with two reference marks, U+1D165 (ccc 216) and
// U+1D16D (ccc 226):
//   X has ccc > 216  <=>  HF reorders "a X U+1D165";   0 < ccc(X) < 226  <=>  HF reorders "a U+1D16D X".
const R216 = '\u{1d165}', R226 = '\u{1d16d}';
const reorders = (x, y) => x !== y && strip.normalizeString('a' + x + y) === 'a' + y + x;
const survivors = [];
const starterMarks = [];
for (let cp = 0; cp <= MAX; cp++) {
  if (isSurrogate(cp) || (cp >= SBase && cp < SBase + SCount)) continue;
  const c = String.fromCodePoint(cp);
  if (strip.normalizeString(c) === '') {
    // A deleted mark: does it block reordering (ccc 0)?
    if (strip.normalizeString('a' + R226 + c + R216) === 'a' + R226 + R216) starterMarks.push(cp);
  } else if (strip.normalizeString(c) === c && (reorders(c, R216) || reorders(R226, c))) {
    survivors.push(cp);
  }
}
// Relative order of the survivors, measured pairwise; equal classes never reorder.
const rank = new Map();
const sorted = [...survivors].sort((x, y) => {
  const a = String.fromCodePoint(x), b = String.fromCodePoint(y);
  return reorders(a, b) ? 1 : reorders(b, a) ? -1 : 0;
});
let r = 0;
sorted.forEach((cp, i) => {
  const prev = sorted[i - 1];
  if (i === 0 || reorders(String.fromCodePoint(prev), String.fromCodePoint(cp)) || reorders(String.fromCodePoint(cp), String.fromCodePoint(prev))) r++;
  rank.set(cp, r);
});
for (const x of survivors) for (const y of survivors) {
  const a = String.fromCodePoint(x), b = String.fromCodePoint(y);
  if (reorders(a, b) !== rank.get(x) > rank.get(y)) throw new Error(`ccc ranks inconsistent for U+${x.toString(16)} U+${y.toString(16)}`);
}

function ranges(cps) {
  const out = [];
  for (const cp of cps) {
    if (out.length && out[out.length - 1][1] === cp - 1) out[out.length - 1][1] = cp;
    else out.push([cp, cp]);
  }
  return out;
}

function csInts(values, perLine) {
  const lines = [];
  for (let i = 0; i < values.length; i += perLine)
    lines.push('        ' + values.slice(i, i + perLine).map((v) => '0x' + v.toString(16).toUpperCase()).join(', ') + ',');
  return lines.join('\n');
}
function csString(s) {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0);
    out += cp > 0xffff ? '\\U' + cp.toString(16).padStart(8, '0') : '\\u' + cp.toString(16).padStart(4, '0');
  }
  return out;
}
function rangeTable(name, doc, cps) {
  const flat = ranges(cps).flat();
  return `    /// <summary>${doc} Sorted inclusive [first, last] code point pairs.</summary>
    internal static ReadOnlySpan<int> ${name} =>
    [
${csInts(flat, 12)}
    ];
`;
}
function mapTable(name, doc, map) {
  // Keys sorted; value i is Pool[Starts[i]..Starts[i + 1]].
  const keys = [], starts = [];
  let pool = '';
  for (const [cp, s] of map) { keys.push(cp); starts.push(pool.length); pool += s; }
  starts.push(pool.length);
  const poolLines = [];
  const chars = [...pool];
  for (let i = 0; i < chars.length; i += 16) poolLines.push('        "' + csString(chars.slice(i, i + 16).join('')) + '"');
  return `    /// <summary>${doc} Sorted code points; see <see cref="${name}Starts"/>.</summary>
    internal static ReadOnlySpan<int> ${name}Keys =>
    [
${csInts(keys, 12)}
    ];

    /// <summary>Start of each replacement in <see cref="${name}Pool"/> (UTF-16 index), plus the end.</summary>
    internal static ReadOnlySpan<int> ${name}Starts =>
    [
${csInts(starts, 12)}
    ];

    /// <summary>Concatenated replacements of <see cref="${name}Keys"/>.</summary>
    internal const string ${name}Pool =
${poolLines.length ? poolLines.join(' +\n') : '        ""'};
`;
}

const cs = `// <auto-generated>
// Generated by tools/tokenizer-fixture/unicode-tables.js from HuggingFace tokenizers ${require('tokenizers/package.json').version}
// (npm), by probing BertNormalizer and BertPreTokenizer one code point at a time. Do not edit.
// </auto-generated>
namespace EdgeBert.Text;

/// <summary>Character data of HuggingFace's BERT normalizer and pre-tokenizer, probed from its implementation.</summary>
internal static class BertUnicodeTables
{
${rangeTable('Removed', 'Code points clean_text deletes (NUL, U+FFFD, Cc/Cf/Co, unassigned in HF\'s Unicode version, surrogates).', removed)}
${rangeTable('Whitespace', 'Code points clean_text turns into a space.', whitespace)}
${rangeTable('Chinese', 'Code points handle_chinese_chars surrounds with spaces.', chineseCps)}
${rangeTable('Punctuation', 'Code points BertPreTokenizer isolates as punctuation.', punct)}
${rangeTable('PreTokenizerWhitespace', 'Code points BertPreTokenizer splits on and removes.', preWhitespace)}
${rangeTable('NonspacingMarks', 'Code points strip_accents deletes (Mn, after NFD of a lone code point).', nonspacingMarks)}
${rangeTable('NonspacingStarters', 'Deleted nonspacing marks with combining class 0: they still end a run of marks that NFD reorders.', starterMarks)}
    /// <summary>Marks with a nonzero combining class that strip_accents keeps (so NFD may reorder them). Sorted; see <see cref="SurvivingMarkRanks"/>.</summary>
    internal static ReadOnlySpan<int> SurvivingMarkKeys =>
    [
${csInts(survivors, 12)}
    ];

    /// <summary>Relative canonical combining class of each <see cref="SurvivingMarkKeys"/> entry (larger sorts later).</summary>
    internal static ReadOnlySpan<int> SurvivingMarkRanks =>
    [
${csInts(survivors.map((cp) => rank.get(cp)), 12)}
    ];

${mapTable('StripAccents', 'Per code point NFD with nonspacing marks (Mn) removed, where it differs from the input and is not empty; Hangul syllables are decomposed algorithmically instead.', stripMap)}
${mapTable('Lowercase', 'Per code point lowercase mapping (Rust char::to_lowercase), where it differs from the input.', lowerMap)}}
`;
const out = path.join(__dirname, '../../src/EdgeBert.Core/Text/BertUnicodeTables.g.cs');
fs.writeFileSync(out, cs);
console.log(`removed ${ranges(removed).length} ranges, whitespace ${whitespace.length}, chinese ${ranges(chineseCps).length} ranges, ` +
  `punct ${ranges(punct).length} ranges, pre-ws ${preWhitespace.length}, marks ${ranges(nonspacingMarks).length} ranges, strip ${stripMap.length}, starter marks ${starterMarks.length}, surviving marks ${survivors.length}, lower ${lowerMap.length}; wrote ${out} (${cs.length} bytes)`);
