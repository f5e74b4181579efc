// Generates the golden tokenizer fixture (tests/EdgeBert.Core.Tests/Text/Fixtures/bert-wordpiece-golden.json)
// with HuggingFace's own Rust tokenizer (npm `tokenizers`, version pinned in package.json).
// A BERT tokenizer.json is built around the committed vocab.txt exactly as HF's BertWordPiece
// tokenizers are: added special tokens, BertNormalizer, BertPreTokenizer, WordPiece(unk [UNK],
// "##", 100 chars per word) and the [CLS] A [SEP] B [SEP] template (type ids 0/1).
//
// Usage: npm ci && node generate.js
// Deterministic: fixed texts plus strings from a seeded PRNG.
'use strict';
const fs = require('fs');
const path = require('path');
const tk = require('tokenizers');
const { Tokenizer } = tk;

const FIXTURES = path.join(__dirname, '../../tests/EdgeBert.Core.Tests/Text/Fixtures');
const vocabLines = fs.readFileSync(path.join(FIXTURES, 'vocab.txt'), 'utf8').split('\n');
if (vocabLines[vocabLines.length - 1] === '') vocabLines.pop();
const vocab = {};
vocabLines.forEach((t, i) => { vocab[t.trimEnd()] = i; }); // as HF's WordPiece::read_file
const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];

// Tokenizer configurations: name -> BertNormalizer options (strip_accents explicit, as the C#
// side resolves null = follow lowercase itself).
const CONFIGS = {
  uncased: { lowercase: true, strip_accents: true, handle_chinese_chars: true },
  cased: { lowercase: false, strip_accents: false, handle_chinese_chars: true },
  'lower-keep-accents': { lowercase: true, strip_accents: false, handle_chinese_chars: true },
  'cased-strip-accents': { lowercase: false, strip_accents: true, handle_chinese_chars: true },
  'uncased-no-cjk': { lowercase: true, strip_accents: true, handle_chinese_chars: false },
};

function tokenizerJson(cfg) {
  return JSON.stringify({
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIALS.map((t) => ({ id: vocab[t], content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: cfg.handle_chinese_chars, strip_accents: cfg.strip_accents, lowercase: cfg.lowercase },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [vocab['[CLS]']], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [vocab['[SEP]']], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  });
}

// ---------------------------------------------------------------------------------------------
// Texts.
const word = (n, c = 'a') => c.repeat(n);
const texts = [
  // empty and whitespace
  '', ' ', '   ', '\t', '\n', '\r\n', ' \t\r\n \u00a0\u2003\u3000 ', '\u200b', '\u200b\u200c\u200d\ufeff',
  // plain English
  'Hello, world!', 'hello world', 'HELLO WORLD', 'The quick brown fox jumps over the lazy dog.',
  'npm install --save-dev typescript', 'Run `npm ci` to install the exact versions from package-lock.json.',
  "Don't stop believin'; it's the user's choice (or isn't it?)", 'configuring packages and dependencies',
  'unbelievably, irreconcilable differences were counterproductive', 'A-B_C.D:E;F/G\\H|I',
  '...', '!!!???', '--', '"quoted" \'single\' `back`', '(parentheses) [brackets] {braces} <angles>',
  '~tilde ^caret @at #hash $dollar %percent &and *star +plus =equals',
  // e-mail
  'From: "John Doe" <john.doe@example.com>\r\nTo: jane@example.org\r\nSubject: Re: [SPAM] You WON $1,000,000!!!\r\nDate: Mon, 12 Feb 2024 10:15:00 +0000\r\n\r\nHi Jane,\r\n\r\nPlease see attached.\r\n-- \r\nJohn',
  'Message-ID: <CAF=abc123+XYZ@mail.gmail.com>\nContent-Type: text/plain; charset="UTF-8"\nContent-Transfer-Encoding: quoted-printable\n\nCaf=C3=A9 au lait =E2=80=94 soon=\n',
  '>> On Tue, Jan 2, 2024 at 9:00 AM Bob <bob@example.net> wrote:\n>> > quoted reply\n> reply',
  'CLICK HERE NOW!!! Limited offer: 100% FREE viagra/cialis -- unsubscribe at http://spam.example.biz/u?id=42',
  'john.doe+filter@sub.example.co.uk', 'mailto:user@example.com?subject=Hello%20World',
  // URLs
  'https://www.example.com/path/to/page.html?query=1&x=y#section-2', 'http://localhost:8080/api/v1/users/42',
  'ftp://ftp.example.org/pub/file.tar.gz', 'www.example.org', 'https://例え.テスト/パス?キー=値',
  'https://en.wikipedia.org/wiki/Caf%C3%A9_(disambiguation)',
  // numbers
  '3.14159', '1,234,567.89', '$1,234.56', '€999,99', '-42', '+1-800-555-0199', '2024-02-12T10:15:00Z', '10:15:00',
  '50%', '1e-10', '0x1F', '192.168.0.1', 'v1.2.3-beta.4', '1/2 + 3/4 = 5/4', '½ ¼ ¾ ² ³ ¹', '١٢٣ ४५६ ๗๘๙',
  // accents and combining marks
  'Café crème brûlée', 'naïve résumé déjà vu', 'CAFÉ RÉSUMÉ', 'Ångström', 'Straße STRASSE ß ẞ',
  'Zürich Kraków Dvořák Łódź Ærø', 'cafe\u0301 (combining acute)', 'e\u0301\u0301\u0301 stacked', '\u0301 lone combining',
  'a\u0323\u0301 reorder', 'ñ vs n\u0303', 'Ǆ ǅ ǆ', 'İstanbul ISTANBUL ı', 'ΣΊΣΥΦΟΣ σίσυφος ς', 'Ὀδυσσεύς ᾯ ᾏ',
  'ﬁnance ﬂow', 'Ⅻ ⅻ', 'Ａｂｃ　ＤＥＦ１２３！', 'ｶﾀｶﾅ', '\ud834\udd5e\ud834\udd65 music', 'x\u0345y',
  // CJK, Japanese, Korean
  '我们今天去北京大学学习中文。', '中国的首都是北京', '你好，世界！', '人工智能AI和机器学习ML', '東京は日本の首都です。',
  'ありがとうございます', 'カタカナとひらがな', '한국어는 한글로 씁니다.', '안녕하세요', '서울은대한민국의수도입니다',
  '𠀀𠀁 extension B', '丽 compatibility 丽', '豈 more', '〇一二三', '漢字かな交じり文', 'Tokyo東京Osaka大阪',
  // other scripts
  'Привет, мир!', 'МОСКВА', 'Καλημέρα κόσμε', 'مرحبا بالعالم', 'שָׁלוֹם עולם', 'สวัสดีครับ ประเทศไทย',
  'नमस्ते दुनिया', 'ภาษาไทยไม่มีช่องว่าง', 'ქართული', 'Հայերեն', 'ᚠᚢᚦᚨᚱᚲ',
  // emoji
  '👍', '👍🏽', '👨‍👩‍👧‍👦', '🏳️‍🌈', '❤️', 'I ❤️ NY', '🙂🙃😀', 'emoji🙂inside', '🇺🇸🇫🇷', '#️⃣', '🥰🦩🫠',
  // control characters and odd whitespace
  'a\u0000b', '\u0000', 'tab\there', 'new\nline', 'carriage\rreturn', 'bell\u0007char', 'del\u007fchar',
  'nel\u0085char', 'nbsp\u00a0char', 'zwsp\u200bchar', 'zwj\u200djoin', 'bom\ufeffchar', 'soft\u00adhyphen',
  'rlm\u200fmark', 'line\u2028sep', 'para\u2029sep', 'vt\u000bff\u000c', 'esc\u001b[31mred\u001b[0m',
  'private\ue000use', 'replacement\ufffdchar', '\ufffd\ufffd', 'noncharacter\uffffhere', 'unassigned\u0378here',
  'many     spaces', '\t\t\ttabs', 'trailing   ', '   leading',
  // lone surrogates (JS strings; HF receives U+FFFD)
  'lone\ud800high', 'lone\udc00low', '\ud800', 'swapped\udc00\ud800pair', 'ok\ud83d\ude00ok\ud83d',
  // special tokens in text
  '[CLS] hello [SEP]', 'x[MASK]y', '[cls] lowercase', '[UNK][UNK]', '[PAD]', '[unused1] not added', '[SEP', 'a [MASK] b [SEP] c',
  // marks that survive strip_accents and are reordered by NFD (musical symbols, viramas, tone
  // marks, marks newer than HF's category tables), with and without blocking class-0 marks
  'a\u{1d16d}\u{1d165}', 'a\u{1d16d}\u034f\u{1d165}', 'a\u{1d16d}\u0301\u{1d165}', '\u{1d15f}\u{1d16d}x', 'a\u302f\u1b44',
  'x\u{1d16e}\u{1d165}\u{1d16d}\u{1d166}', 'a\u08d4\u0301\u1b44 b', 'ka\u0941\u{1d16d}\u{1d165}', '\u{1d16d}\u{1d165}', 'a\u{1d16d}\u200d\u{1d165}',
  'A\u{1d16d}\u0300\u302e\u{1d165}\u0323', '\u{1d160}\u{1d15f}',
  // long words around the 100-char limit
  word(99), word(100), word(101), word(150), word(99, 'é'), word(100, 'é'), word(101, 'é'), 'e\u0301'.repeat(60),
  word(99) + '🙂', word(98) + '🙂', word(100, '中'), 'x' + word(100, '\u0301'), word(50, 'ab'), word(51, 'ab'),
  word(99, 'İ'), word(60, 'İ'), 'configuration'.repeat(7), 'configuration'.repeat(8),
  'a'.repeat(99) + ' ' + 'b'.repeat(101) + ' ' + 'c'.repeat(100),
  'supercalifragilisticexpialidocious', 'Pneumonoultramicroscopicsilicovolcanoconiosis',
  'thisisaverylongwordwithoutanyspacesthatshouldstillbesplitintowordpiecesbythegreedyalgorithm',
  'zzzzqqqqxxxx', 'qjxz',
];

// Seeded PRNG (mulberry32) for random strings over a palette of tricky characters.
function mulberry32(seed) {
  return function () {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const palette = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  ...'     ', ...'.,;:!?-_()[]{}"\'@#$%&*/\\',
  '\t', '\n', '\r', '\u0000', '\u0001', '\u007f', '\u0085', '\u00a0', '\u200b', '\u200d', '\ufeff', '\ufffd', '\u00ad',
  'é', 'e\u0301', '\u0301', 'Ñ', 'ß', 'İ', 'ı', 'Σ', 'ς', 'Ω', 'ǅ', 'ﬁ', 'Ａ', 'ｶ', '½',
  '中', '国', '北', '学', '丽', '𠀀', '한', '가', 'ア', 'あ', 'ก', 'م', 'ж', 'Д',
  '🙂', '👍🏽', '👨‍👩‍👧', '❤️', '\ud800', '\udc00',
  'the', 'ing', 'npm', 'install', 'package', 'config', 'user', '[SEP]', '[MASK]', '[CLS',
];
const rand = mulberry32(20261122);
for (let i = 0; i < 160; i++) {
  const n = Math.floor(rand() * 24);
  let s = '';
  for (let j = 0; j < n; j++) s += palette[Math.floor(rand() * palette.length)];
  texts.push(s);
}

// A long document for truncation (deterministic word salad from the vocabulary's whole words).
const words = vocabLines.filter((t) => /^[A-Za-z]{3,}$/.test(t));
let doc = '';
const r2 = mulberry32(7);
for (let i = 0; i < 250; i++) doc += words[Math.floor(r2() * words.length)] + (r2() < 0.1 ? '. ' : ' ');
texts.push(doc.trim());

const pairs = [
  ['', ''], ['Hello', ''], ['', 'world'], ['Hello, world!', 'How are you?'], ['Café', 'CAFÉ'],
  ['我们今天去北京', 'Tokyo東京'], ['[CLS]', '[SEP]'], ['Is this spam?', 'Subject: FREE money!!! http://spam.example.biz'],
  [word(101), word(100)], ['👍🏽 ok', '\u0000\ufffd'], ['lone\ud800', 'x\udc00y'], ['  ', '\t\n'],
];
for (let i = 0; i < 40; i++) pairs.push([texts[Math.floor(rand() * texts.length)], texts[Math.floor(rand() * texts.length)]]);
pairs.push([doc.slice(0, 400), doc.slice(400, 1200)]);
pairs.push([doc.slice(0, 1500), 'short question?']);
pairs.push(['short question?', doc.slice(0, 1500)]);

// ---------------------------------------------------------------------------------------------
function hasLoneSurrogate(s) {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { i++; continue; }
      return true;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}
function units(s) { return Array.from({ length: s.length }, (_, i) => s.charCodeAt(i)); }

// System.Text.Json rejects lone surrogate escapes, so such texts also travel as UTF-16 code units.
function putText(c, key, s) {
  if (hasLoneSurrogate(s)) { c[key] = s.replace(/[\ud800-\udfff]/gu, '\ufffd'); c[key + 'Units'] = units(s); }
  else c[key] = s;
}

const cases = [];
async function run(configName, text, pair, trunc) {
  const tok = Tokenizer.fromString(tokenizerJson(CONFIGS[configName]));
  const full = await tok.encode(text, pair ?? null);
  const c = { config: configName };
  putText(c, 'text', text);
  if (pair !== undefined) putText(c, 'pair', pair);
  if (trunc) {
    Object.assign(c, { maxLength: trunc.maxLength, strategy: trunc.strategy, side: trunc.side });
    tok.setTruncation(trunc.maxLength, { strategy: trunc.strategy, direction: trunc.side.toLowerCase() });
    try {
      const enc = await tok.encode(text, pair ?? null);
      c.ids = enc.getIds(); c.typeIds = enc.getTypeIds();
      c.truncated = enc.getIds().length < full.getIds().length;
    } catch (e) {
      c.error = String(e.message || e);
    }
  } else {
    c.ids = full.getIds(); c.typeIds = full.getTypeIds(); c.truncated = false;
  }
  if (c.ids && c.ids.some((id) => id === undefined || id === null)) throw new Error('bad ids');
  // Offsets (HF reports code point indices into each sequence) for the shorter texts only, to
  // keep the fixture small.
  if (c.ids && text.length <= 300 && (pair ?? '').length <= 300) {
    const enc = trunc ? await tok.encode(text, pair ?? null) : full;
    c.offsets = enc.getOffsets().flat();
  }
  c.id = cases.length;
  cases.push(c);
}

(async () => {
  for (const t of texts) { await run('uncased', t); await run('cased', t); }
  for (const t of texts.slice(0, 200)) { await run('lower-keep-accents', t); await run('cased-strip-accents', t); await run('uncased-no-cjk', t); }
  for (const [a, b] of pairs) { await run('uncased', a, b); await run('cased', a, b); }
  const truncTexts = [doc, texts[30], 'Hello, world!', '', '我们今天去北京大学学习中文。', word(101) + ' short tail'];
  for (const t of truncTexts) {
    for (const maxLength of [2, 3, 5, 8, 16, 64]) {
      for (const side of ['Right', 'Left']) await run('uncased', t, undefined, { maxLength, strategy: 'LongestFirst', side });
    }
  }
  const truncPairs = [pairs[3], pairs[pairs.length - 3], pairs[pairs.length - 2], pairs[pairs.length - 1], ['one two three four five', 'six seven'], ['a b', 'c d e f g h i j k'], ['', 'x y z w v u']];
  for (const [a, b] of truncPairs) {
    for (const maxLength of [3, 4, 5, 6, 7, 10, 16, 33]) {
      for (const strategy of ['LongestFirst', 'OnlyFirst', 'OnlySecond']) {
        for (const side of ['Right', 'Left']) await run('uncased', a, b, { maxLength, strategy, side });
      }
    }
  }
  // A grid of pair lengths for longest_first: HF clamps each sequence to max_length before
  // splitting the budget, which decides ties between two long sequences.
  const seq = (n) => Array(n).fill('the').join(' ');
  for (const maxLength of [3, 4, 6, 9]) {
    for (const n1 of [0, 1, 2, 3, 5, 8, 13]) {
      for (const n2 of [0, 1, 2, 3, 5, 8, 13]) await run('uncased', seq(n1), seq(n2), { maxLength, strategy: 'LongestFirst', side: 'Right' });
    }
  }
  // The normalizer alone (HF's BertNormalizer.normalizeString), which checks stages whose
  // effect the ids cannot show, such as the canonical order of marks inside an [UNK] word.
  const normalizerCases = [];
  for (const [name, cfg] of Object.entries(CONFIGS)) {
    const normalizer = tk.bertNormalizer({ cleanText: true, handleChineseChars: cfg.handle_chinese_chars, stripAccents: cfg.strip_accents, lowercase: cfg.lowercase });
    for (const t of texts) {
      if (t.length > 300) continue;
      const c = { config: name };
      putText(c, 'text', t);
      c.normalized = normalizer.normalizeString(t);
      normalizerCases.push(c);
    }
  }
  const out = {
    generator: 'tools/tokenizer-fixture/generate.js',
    tokenizers: require('tokenizers/package.json').version,
    vocab: 'vocab.txt',
    configs: CONFIGS,
    cases,
    normalizerCases,
  };
  const file = path.join(FIXTURES, 'bert-wordpiece-golden.json');
  fs.writeFileSync(file, JSON.stringify(out) + '\n');
  const errors = cases.filter((c) => c.error).length;
  console.log(`${cases.length} cases (${errors} expected errors), ${normalizerCases.length} normalizer cases, ${fs.statSync(file).size} bytes -> ${file}`);
})().catch((e) => { console.error(e); process.exit(1); });
