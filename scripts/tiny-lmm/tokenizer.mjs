// A small byte-level BPE tokenizer (GPT-2/Qwen2 style) for the tiny models: the 256 byte symbols,
// merges that make each listed word one token (the five level words as they follow the answer
// prefix among them), and the ChatML/vision special tokens. Written as tokenizer.json +
// tokenizer_config.json in the Hugging Face layout.

/** GPT-2's reversible byte → printable character table. */
export function bytesToUnicode() {
  const bs = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n);
      n++;
    }
  }
  const map = new Map();
  bs.forEach((b, i) => map.set(b, String.fromCodePoint(cs[i])));
  return map;
}

export const SPECIAL_TOKENS = [
  '<|endoftext|>',
  '<|im_start|>',
  '<|im_end|>',
  '<image>',
  '<video>',
  '<|vision_start|>',
  '<|vision_end|>',
  '<|image_pad|>',
  '<|video_pad|>',
];

export const LEVEL_WORDS = ['high', 'good', 'fair', 'poor', 'low'];

// Words of the prompts and chat template, so prompts stay short; the level words with and without
// the leading space (the space form is what follows "The quality of the video is").
const WORDS = [
  ...LEVEL_WORDS.map((w) => ` ${w}`),
  ...LEVEL_WORDS,
  'The',
  ' quality',
  ' of',
  ' the',
  ' video',
  ' is',
  'How',
  ' would',
  ' you',
  ' rate',
  ' this',
  'system',
  'user',
  'assistant',
  'You',
  ' are',
  ' a',
  ' helpful',
  ' assistant',
  ' key',
  ' frames',
  ' motion',
  ' feature',
  ' And',
  ' What',
  ' sharp',
  ' blur',
  ' noise',
  ' answer',
  ' question',
];

/** Applies BPE merges (lowest rank first) to one pre-token's symbols. */
export function bpe(symbols, ranks) {
  let parts = [...symbols];
  for (;;) {
    let best = -1;
    let bestRank = Infinity;
    for (let i = 0; i + 1 < parts.length; i++) {
      const r = ranks.get(`${parts[i]} ${parts[i + 1]}`);
      if (r !== undefined && r < bestRank) {
        bestRank = r;
        best = i;
      }
    }
    if (best < 0) return parts;
    const a = parts[best];
    const b = parts[best + 1];
    const next = [];
    for (let i = 0; i < parts.length; i++) {
      if (i + 1 < parts.length && parts[i] === a && parts[i + 1] === b) {
        next.push(a + b);
        i++;
      } else next.push(parts[i]);
    }
    parts = next;
  }
}

/** Builds vocab + merges so every listed word becomes a single token. */
export function buildBpe() {
  const byteChar = bytesToUnicode();
  const vocab = new Map();
  for (let b = 0; b < 256; b++) vocab.set(byteChar.get(b), b);
  const merges = [];
  const ranks = new Map();
  const enc = new TextEncoder();
  for (const word of WORDS) {
    const symbols = [...enc.encode(word)].map((b) => byteChar.get(b));
    // Add the merge of the first adjacent pair until the word is one token; appended merges have
    // the highest rank, so earlier words keep tokenizing as before.
    for (let parts = bpe(symbols, ranks); parts.length > 1; parts = bpe(symbols, ranks)) {
      const key = `${parts[0]} ${parts[1]}`;
      ranks.set(key, merges.length);
      merges.push(key);
      const merged = parts[0] + parts[1];
      if (!vocab.has(merged)) vocab.set(merged, vocab.size);
    }
  }
  return { vocab, merges, byteChar };
}

export const CHAT_TEMPLATE =
  "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}" +
  "{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}" +
  "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}" +
  "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** tokenizer.json, tokenizer_config.json and the special token ids. */
export function buildTokenizerFiles() {
  const { vocab, merges } = buildBpe();
  const specialIds = {};
  const addedTokens = SPECIAL_TOKENS.map((content) => {
    const id = vocab.size + Object.keys(specialIds).length;
    specialIds[content] = id;
    return {
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    };
  });
  const vocabSize = vocab.size + addedTokens.length;
  const tokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: null,
    pre_tokenizer: {
      type: 'ByteLevel',
      add_prefix_space: false,
      trim_offsets: true,
      use_regex: true,
    },
    post_processor: {
      type: 'ByteLevel',
      add_prefix_space: false,
      trim_offsets: false,
      use_regex: false,
    },
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(vocab),
      merges,
    },
  };
  const tokenizerConfig = {
    add_bos_token: false,
    add_prefix_space: false,
    added_tokens_decoder: Object.fromEntries(
      addedTokens.map((t) => [
        String(t.id),
        {
          content: t.content,
          lstrip: false,
          normalized: false,
          rstrip: false,
          single_word: false,
          special: true,
        },
      ]),
    ),
    bos_token: null,
    chat_template: CHAT_TEMPLATE,
    clean_up_tokenization_spaces: false,
    eos_token: '<|im_end|>',
    errors: 'replace',
    model_max_length: 4096,
    pad_token: '<|endoftext|>',
    split_special_tokens: false,
    tokenizer_class: 'Qwen2Tokenizer',
    unk_token: null,
  };
  return { tokenizerJson, tokenizerConfig, specialIds, vocabSize };
}
