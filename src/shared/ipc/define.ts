import type { z } from 'zod';

/** A request/response channel: a zod schema for the input, a phantom type for the output. */
export interface Channel<I extends z.ZodType, O> {
  readonly input: I;
  readonly __output?: O;
}

/** `channel(schema).returns<Output>()` — declares a channel once, with its types. */
export function channel<I extends z.ZodType>(input: I) {
  return {
    returns<O>(): Channel<I, O> {
      return { input };
    },
  };
}

/** A push event from main to the renderer; the payload type is phantom. */
export interface PushEvent<P> {
  readonly __payload?: P;
}
export function pushEvent<P>(): PushEvent<P> {
  return {};
}
