import { describe, expect, it } from 'vitest';
import { jsonListBody } from '../../src/main/send/body';

describe('request bodies written as bytes', () => {
  it('are the UTF-8 of head + items joined by commas + tail, whatever the characters', () => {
    const items = ['{"a":1}', '{"name":"Zoë – 東京 🛒"}', '{"b":"\\"quoted\\""}', '{}'];
    const bytes = jsonListBody('{"data":[', items, '],"x":true}');
    const text = `{"data":[${items.join(',')}],"x":true}`;
    expect(Buffer.from(bytes).equals(Buffer.from(text, 'utf8'))).toBe(true);
    expect(JSON.parse(Buffer.from(bytes).toString('utf8'))).toEqual(JSON.parse(text));
    // Exactly the body's size: V8 counts the whole ArrayBuffer as external memory (see body.ts).
    expect(bytes.buffer.byteLength).toBe(Buffer.byteLength(text, 'utf8'));
    expect(bytes.byteLength).toBe(bytes.buffer.byteLength);
  });
  it('handle no items and one item', () => {
    expect(Buffer.from(jsonListBody('[', [], ']')).toString()).toBe('[]');
    expect(Buffer.from(jsonListBody('[', ['1'], ']')).toString()).toBe('[1]');
    expect(jsonListBody('[', [], ']').buffer.byteLength).toBe(2);
  });
});
