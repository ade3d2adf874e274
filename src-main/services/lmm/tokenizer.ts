// Tokenizer and chat template of a model folder (tokenizer.json + tokenizer_config.json), and the
// token ids of the level words as the model sees them right after the answer prefix.
import fs from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { Template } from '@huggingface/jinja';
import { LEVELS } from '../levels/level-score';
import { invalid } from './errors';

export const DEFAULT_ANSWER_PREFIX = 'The quality of the video is';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface LmmTokenizer {
  encode(text: string): number[];
  decode(ids: number[]): string;
  /** The chat template applied to `messages`, ending with the assistant turn's opening. */
  chatPrompt(messages: ChatMessage[]): string;
  /** Token id of a special token (placeholder), or null when the vocabulary lacks it. */
  specialId(token: string): number | null;
  eosIds: number[];
}

function readJson(dir: string, name: string): Record<string, unknown> {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) throw invalid(dir, `${name} is missing`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw invalid(dir, `${name} is not valid JSON (${(e as Error).message})`);
  }
}

export function loadTokenizer(dir: string, generationEos: number[] = []): LmmTokenizer {
  const json = readJson(dir, 'tokenizer.json');
  const config = readJson(dir, 'tokenizer_config.json');
  const source = config.chat_template;
  const templateText = Array.isArray(source)
    ? (source as { name: string; template: string }[]).find((t) => t.name === 'default')?.template
    : source;
  if (typeof templateText !== 'string' || !templateText)
    throw invalid(dir, 'tokenizer_config.json has no chat_template');
  let tok: Tokenizer;
  let template: Template;
  try {
    tok = new Tokenizer(json, config);
  } catch (e) {
    throw invalid(dir, `tokenizer.json cannot be read (${(e as Error).message})`);
  }
  try {
    template = new Template(templateText);
  } catch (e) {
    throw invalid(dir, `the chat template cannot be parsed (${(e as Error).message})`);
  }
  const added = new Map<string, number>();
  for (const t of (json.added_tokens as { id: number; content: string }[] | undefined) ?? [])
    added.set(t.content, t.id);
  const vocab = ((json.model as { vocab?: Record<string, number> } | undefined)?.vocab ??
    {}) as Record<string, number>;
  const specialId = (token: string): number | null => added.get(token) ?? vocab[token] ?? null;
  const eos = typeof config.eos_token === 'string' ? specialId(config.eos_token) : null;
  const eosIds = [...new Set([...generationEos, ...(eos === null ? [] : [eos])])];
  return {
    encode: (text) => tok.encode(text, { add_special_tokens: false }).ids,
    // The tokenizer refuses an empty list; an answer that ends at once is the empty string.
    decode: (ids) => (ids.length ? tok.decode(ids, { skip_special_tokens: true }) : ''),
    chatPrompt: (messages) =>
      template.render({ messages, add_generation_prompt: true, bos_token: '', eos_token: '' }),
    specialId,
    eosIds,
  };
}

/**
 * Ids of the five level words (high … low) as they follow `prefix` (with a leading space after a
 * word, as the model reads them there). Each must be one token, or the folder is refused.
 */
export function levelTokenIds(
  dir: string,
  tok: LmmTokenizer,
  prefix: string,
  words: readonly string[] = LEVELS,
): number[] {
  const base = tok.encode(prefix);
  // After a word the answer continues with a space; after an empty prefix (or one ending in
  // whitespace) the word starts right there.
  const sep = prefix === '' || /\s$/.test(prefix) ? '' : ' ';
  return words.map((word) => {
    const ids = tok.encode(`${prefix}${sep}${word}`);
    if (ids.length === base.length + 1 && base.every((id, i) => ids[i] === id))
      return ids[ids.length - 1]!;
    throw invalid(
      dir,
      `the tokenizer has no single token for the level word "${word}" after "${prefix}" (its vocabulary must hold "${sep}${word}")`,
    );
  });
}
