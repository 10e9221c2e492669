// corpus.mjs - the texts the tokenizer cross-check tokenizes
//
// SPDX-License-Identifier: Apache-2.0
//
// Each entry is [name, Buffer]. Most are UTF-8 strings; a few are byte
// sequences that are not valid UTF-8. A seeded generator adds random
// strings over many scripts, so a wrong letter or number class anywhere in
// those blocks shows up as a different split.

const text = (s) => Buffer.from(s, "utf8");
const bytes = (...b) => Buffer.from(b);

export function fixedCorpus() {
  return [
    ["prose", text("The quick brown fox jumps over the lazy dog. It was the best of times, it was the worst of times.")],
    ["contractions", text("I'm sure you'll see they've done it; we'd've said DON'T, he'S, THEY'RE, we'Ll, I'D")],
    ["apostrophes", text("'s 't 're rock'n'roll ' '' 'x 'S 'Re")],
    ["code-cpp", text("int main(int argc, char **argv) {\n  for (int i = 0; i < argc; ++i)\n    printf(\"%s\\n\", argv[i]);\n  return 0;\n}\n")],
    ["code-python", text("def f(x):\n    if x > 0:\n        return x ** 2  # square\n    return -x\n\n\nprint(f(3))\n")],
    ["json", text('{"name": "liquid", "layers": [1, 2, 3], "ok": true, "nested": {"a": null}}')],
    ["numbers", text("1 12 123 1234 12345 123456 1234567 12345678901234567890 3.14159 -42 +7 1,000,000 1e-9 0x1F 007 ⅔ ١٢٣ ٣.١٤ ²³")],
    ["spaces", text("a  b   c    d     e")],
    ["leading-trailing", text("   leading and trailing   ")],
    ["only-spaces", text("     ")],
    ["tabs", text("\tone\t\ttwo\t\t\tthree\t")],
    ["newlines", text("line one\nline two\n\nline four\n\n\n\nend\n")],
    ["crlf", text("windows\r\nline\r\n\r\nend\r")],
    ["mixed-ws", text(" \n \t\n\n  \r\n x \u00a0y\u2003z\u3000w\u2028v")],
    ["punctuation", text("Hello!!! What?! ... --- *** ((())) [[x]] {{y}} <<z>> #@$%^&*_=+|\\~`")],
    ["accented", text("café naïve Ångström résumé Ærøskøbing façade Œuvre ñandú Zürich Łódź Dvořák")],
    ["cyrillic-greek", text("Привет, мир! Ελληνικά γράμματα. Съешь же ещё этих мягких французских булок")],
    ["cjk", text("日本語のテキストです。中文文本，包括标点符号。한국어 텍스트입니다.")],
    ["emoji", text("🦙 llamas 😀😃😄 👍🏽 👨‍👩‍👧‍👦 🇫🇷🇯🇵 ❤️ ✨🚀")],
    ["rtl-indic", text("مرحبا بالعالم שלום עולם नमस्ते दुनिया สวัสดีชาวโลก")],
    ["math", text("∀x∈ℝ: x² ≥ 0 ∑ᵢ aᵢ ≈ ∫₀¹ f(t) dt ≠ ∞ √2 ∂y/∂x")],
    ["combining", text("e\u0301 a\u0308 n\u0303 Z\u0351\u0352 \u0915\u094d\u0937")],
    ["rare-planes", text("\u{10400}\u{10428} \u{1d400}\u{1d41a} \u{20000}\u{2a700} \u{2ebf0}\u{2ee5d} \u{1f9ea} \u{e0041}")],
    ["special-chat", text("<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>")],
    ["special-inline", text("before<|startoftext|>middle<|endoftext|>after <|im_end|>x<|im_end|><|im_end|>")],
    ["special-partial", text("<|im_ <|im_start| |im_end|> <| |> <|im_start|>")],
    ["special-llama3", text("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>")],
    ["tool-call", text("<|tool_call_start|>[get_weather(city=\"Paris\", days=3)]<|tool_call_end|>")],
    ["long-word", text("Pneumonoultramicroscopicsilicovolcanoconiosis antidisestablishmentarianism")],
    ["long-number", text("3141592653589793238462643383279502884197169399375105820974944592307816406286")],
    ["empty", text("")],
    ["single-space", text(" ")],
    ["single-newline", text("\n")],
    ["invalid-continuation", bytes(0x61, 0x80, 0x62, 0xbf, 0x20, 0x63)],
    ["invalid-truncated", bytes(0x68, 0x69, 0x20, 0xe6, 0x97, 0x20, 0xf0, 0x9f, 0x98)],
    ["invalid-overlong", bytes(0xc0, 0xaf, 0x20, 0xe0, 0x80, 0xaf, 0x41)],
    ["invalid-bytes", bytes(0xff, 0xfe, 0x20, 0xf8, 0x88, 0x80, 0x80, 0x80, 0x41, 0xc3)],
    ["invalid-surrogate", bytes(0x61, 0xed, 0xa0, 0x80, 0x62)],
    ["invalid-mixed", Buffer.concat([text("valid é "), bytes(0xc3, 0x28), text(" then 日"), bytes(0xe6), text("本 end")])],
  ];
}

/// xorshift32, so the random corpus is the same on every run.
function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

// Code point ranges to draw from: ASCII, Latin, Greek, Cyrillic, Arabic,
// Devanagari, Thai, CJK, Hangul, emoji, math, digits of many scripts,
// spaces and line breaks.
const blocks = [
  [0x20, 0x7e], [0x20, 0x7e], [0x20, 0x7e], [0xa0, 0x24f], [0x370, 0x3ff],
  [0x400, 0x4ff], [0x600, 0x6ff], [0x900, 0x97f], [0xe00, 0xe7f],
  [0x2000, 0x206f], [0x2070, 0x218f], [0x2190, 0x22ff], [0x3000, 0x30ff],
  [0x4e00, 0x4fff], [0xac00, 0xad00], [0xff00, 0xffef], [0x1f300, 0x1f6ff],
  [0x1d400, 0x1d7ff], [0x10000, 0x1018f], [0x16a0, 0x16ff], [0x1e00, 0x1eff],
  [0x660, 0x669], [0x966, 0x96f], [0xff10, 0xff19], [0x9, 0xd],
];

export function randomCorpus(count, seed) {
  const next = rng(seed);
  const out = [];
  for (let i = 0; i < count; ++i) {
    let s = "";
    const length = 1 + Math.floor(next() * 40);
    for (let k = 0; k < length; ++k) {
      const [lo, hi] = blocks[Math.floor(next() * blocks.length)];
      let cp = lo + Math.floor(next() * (hi - lo + 1));
      if (cp >= 0xd800 && cp <= 0xdfff) cp = 0x20;
      s += String.fromCodePoint(cp);
    }
    out.push([`random-${i}`, text(s)]);
  }
  return out;
}

/// The text llama.cpp tokenizes for `buffer`: it decodes UTF-8 checking
/// only the lead byte's length and the continuation bytes, turns each byte
/// that starts no such sequence into U+FFFD and goes on at the next byte.
/// (JavaScript strings cannot carry invalid UTF-8, so the reference side
/// gets this string.)
export function laxDecode(buffer) {
  let s = "";
  for (let i = 0; i < buffer.length;) {
    const b = buffer[i];
    const len = b < 0x80 ? 1 : b < 0xc0 ? 0 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : b < 0xf8 ? 4 : 0;
    let cp = len === 1 ? b : len === 2 ? b & 0x1f : len === 3 ? b & 0x0f : b & 0x07;
    let ok = len !== 0 && i + len <= buffer.length;
    for (let k = 1; ok && k < len; ++k) {
      ok = (buffer[i + k] & 0xc0) === 0x80;
      cp = (cp << 6) | (buffer[i + k] & 0x3f);
    }
    if (ok && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) {
      s += String.fromCodePoint(cp);
      i += len;
    } else if (ok && cp <= 0x10ffff) {
      // A surrogate: llama.cpp keeps the code point and writes it back as
      // the same three bytes, which no JavaScript string can hold.
      return null;
    } else {
      s += "\ufffd";
      i += 1;
    }
  }
  return s;
}
