// Trains the small BERT WordPiece vocabulary used by the golden fixture (tests/EdgeBert.Core.Tests/Text/Fixtures/vocab.txt, committed).
// Corpus: the English Markdown documentation that ships inside the npm package itself (npm's
// docs/content, found via `npm root -g`), plus the multilingual lines below so that accented,
// CJK, Hangul, kana, Cyrillic, Greek and Arabic pieces exist and those paths are exercised.
// The corpus is written to a temporary file and never committed.
//
// Usage: npm ci && node train-vocab.js   (rewrites the fixture vocab.txt)
// Not byte-reproducible: HF's trainer orders its alphabet from a hash map, so a re-run permutes
// some ids. The committed vocab.txt is the reference; after retraining, re-run generate.js.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execSync } = require('child_process');
const { Tokenizer } = require('tokenizers');

const VOCAB_SIZE = 5000; // entries after the 104 BERT specials; keeps vocab.txt well under 200 KB

const multilingual = [
  'Café, crème brûlée, naïve résumé, déjà vu, façade, fiancée, jalapeño, piñata, señor, über, Straße, Ångström, smörgåsbord, São Paulo, Zürich, Kraków, Dvořák, Ærø, Łódź.',
  'Le garçon a mangé une pâtisserie à côté de la fenêtre. El niño está en el año de la canción. Der Bär läuft über die Brücke. Você não está só.',
  'Élève, école, été, où, là, çà, ôter, être, île, mañana, corazón, acción, información, Müller, Schröder, Gödel, Erdős.',
  '我们今天去北京大学学习中文。中国的首都是北京。你好世界，谢谢你的帮助。人工智能和机器学习正在改变世界。',
  '東京は日本の首都です。私は学生です。ありがとうございます。カタカナとひらがな。コンピューターのプログラム。',
  '한국어는 한글로 씁니다. 안녕하세요 감사합니다. 서울은 대한민국의 수도입니다.',
  'Привет, мир! Москва — столица России. Ελληνικά: Καλημέρα κόσμε, Αθήνα. مرحبا بالعالم، القاهرة. שלום עולם. สวัสดีครับ ประเทศไทย',
  'Email: john.doe@example.com wrote on Mon, 12 Feb 2024 10:15:00 +0000. Subject: Re: [spam] FREE money!!! Visit https://www.example.org/path?query=1&x=2#frag now.',
  'Prices rose 3.5% to $1,234.56 (up from €999.99) on 2024-02-12; call +1-800-555-0199 or 555.123.4567 ext. 42.',
];

const npmRoot = execSync('npm root -g', { encoding: 'utf8' }).trim();
const docs = path.join(npmRoot, 'npm', 'docs', 'content');
const files = [];
(function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.md')) files.push(p);
  }
})(docs);
let corpus = files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
for (let i = 0; i < 20; i++) corpus += '\n' + multilingual.join('\n');
const corpusFile = path.join(os.tmpdir(), `edgebert-vocab-corpus-${process.pid}.txt`);
fs.writeFileSync(corpusFile, corpus);

// Cased and accent-preserving so that one vocabulary serves the cased and uncased fixture cases.
const tokenizer = Tokenizer.fromString(JSON.stringify({
  version: '1.0', truncation: null, padding: null, added_tokens: [],
  normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: false, lowercase: false },
  pre_tokenizer: { type: 'BertPreTokenizer' }, post_processor: null, decoder: null,
  model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: { '[UNK]': 0 } },
}));
tokenizer.train([corpusFile]);
fs.unlinkSync(corpusFile);

const trained = Object.entries(tokenizer.getVocab()).sort((a, b) => a[1] - b[1]).map(([t]) => t);
const specials = ['[PAD]', ...Array.from({ length: 99 }, (_, i) => `[unused${i}]`), '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const seen = new Set(specials);
const vocab = [...specials];
for (const t of trained) {
  if (vocab.length >= specials.length + VOCAB_SIZE) break;
  if (!seen.has(t)) { seen.add(t); vocab.push(t); }
}
fs.writeFileSync(path.join(__dirname, '../../tests/EdgeBert.Core.Tests/Text/Fixtures/vocab.txt'), vocab.join('\n') + '\n');
console.log(`corpus ${files.length} files, ${corpus.length} chars; trained ${trained.length} tokens; wrote ${vocab.length} entries`);
