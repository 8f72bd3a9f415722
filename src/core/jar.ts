/**
 * The per-request state of flash messages: Flask's `flash()` and `get_flashed_messages()` with
 * their exact semantics, plus `now()`, `keep()`, `peek()` and a per-category `consume()`. A jar
 * knows no framework and no store implementation; at the end of the request it hands its store a
 * delta, never a rewritten list.
 */
import { FlashError } from "./errors.js";
import { byId, nextFlashId } from "./ids.js";
import type {
  CategoryOf,
  DefaultCategoryMessage,
  DropReason,
  FlashDelta,
  FlashLogger,
  FlashMap,
  FlashPair,
  FlashRequest,
  FlashStore,
  GetFlashedMessagesOptions,
  StoredFlash,
} from "./types.js";
import { isPromise } from "./types.js";

/** Flask's default category. */
export const DEFAULT_CATEGORY = "message";

/** What a jar needs from its `createFlash()` instance. */
export interface JarSettings {
  readonly store: FlashStore;
  readonly maxMessages: number;
  readonly maxAddedMessages: number;
  readonly logger: FlashLogger;
  readonly onFlash: ((event: FlashEvent) => void) | undefined;
  readonly onDrop: ((dropped: readonly StoredFlash[], reason: DropReason) => void) | undefined;
  /** See `FlashOptions.consumeOnSideRequests`. */
  readonly consumeOnSideRequests?: boolean;
}

/** What `onFlash` receives for every `flash()` and `now()` (Flask's `message_flashed` signal). */
export interface FlashEvent {
  readonly category: string;
  readonly message: unknown;
  /** `"now"` for a message shown in this response only. */
  readonly kind: "flash" | "now";
}

const EMPTY: readonly StoredFlash[] = Object.freeze([]);
/** The lists of a jar that has flashed nothing yet: shared, so a quiet request allocates none. */
const NO_FRESH: StoredFlash[] = Object.freeze([]) as never;
const NO_LATE: StoredFlash[] = Object.freeze([]) as never;

/**
 * Flash messages of one request. Adapters create one per request through `Flash.open()`, call
 * `load()` before the handler and `commit()` before the response headers go out.
 *
 * @typeParam M - maps each category to its message type; a category not in `M` is a compile error.
 */
export class FlashJar<M extends FlashMap = FlashMap> {
  readonly #settings: JarSettings;
  readonly #request: FlashRequest;
  #pending: readonly StoredFlash[] = EMPTY;
  /** Flashed (or shown with `now()`) in this request before the first read. */
  #fresh: StoredFlash[] = NO_FRESH;
  /** The entries of `#fresh` that `now()` made: shown in this response, never stored. */
  #shownNow: StoredFlash[] | undefined;
  /** Flashed after the first read: stored for the next request, as Flask does. */
  #late: StoredFlash[] = NO_LATE;
  /** The list the first read took, cached for the rest of the request. */
  #read: StoredFlash[] | undefined;
  #kept = false;
  #committed = false;
  /** What `save()` got from the store: set only when the app saved before the response. */
  #saved: Promise<void> | undefined;
  /** Consumed by `consume()`: never returned again in this request, removed from the client at commit. */
  #consumed: Set<StoredFlash> | undefined;

  constructor(settings: JarSettings, request: FlashRequest) {
    this.#settings = settings;
    this.#request = request;
  }

  /**
   * Loads the client's pending messages from the store. Returns a promise only when the store is
   * asynchronous; on Node the cookie store loads synchronously.
   */
  load(): void | Promise<void> {
    const loaded = this.#settings.store.load(this.#request);
    if (isPromise(loaded)) {
      return loaded.then((messages) => {
        this.#pending = messages;
      });
    }
    this.#pending = loaded;
  }

  /**
   * Queues a message for the next request that reads messages (or this one, if it reads later).
   * Flask's `flash(message, category="message")`.
   *
   * @throws {TypeError} when the message is not a JSON value or the category is not a string.
   * @throws {FlashError} `ERR_FLASH_MESSAGE_TOO_LARGE` when the store can never hold the message;
   *   `ERR_FLASH_HEADERS_SENT` when the response has already gone out; `ERR_FLASH_ALREADY_SAVED` after
   *   `save()`; `ERR_FLASH_STORE_UNAVAILABLE` when the store knows its backend (Redis) is unreachable.
   * @example
   * req.flash("Profile updated successfully!", "success");
   */
  flash<C extends CategoryOf<M>>(message: M[C], category: C): void;
  flash(message: DefaultCategoryMessage<M>): void;
  flash(message: unknown, category: string = DEFAULT_CATEGORY): void {
    this.#push(message, category, true);
  }

  /**
   * Shows a message in this response only: it joins this request's list of messages and is never
   * stored. After the first read of the request it is appended to the cached list.
   *
   * @example
   * req.flash.now("Please fix the errors below", "error");
   */
  now<C extends CategoryOf<M>>(message: M[C], category: C): void;
  now(message: DefaultCategoryMessage<M>): void;
  now(message: unknown, category: string = DEFAULT_CATEGORY): void {
    this.#push(message, category, false);
  }

  /**
   * Flask's `get_flashed_messages()`. The first call in a request takes every pending message of
   * every category and caches the list for the rest of the request; later calls return the same
   * list. `categoryFilter` filters only what is returned.
   *
   * @example
   * for (const [category, message] of req.getFlashedMessages({ withCategories: true })) ...
   */
  getFlashedMessages<C extends CategoryOf<M> = CategoryOf<M>>(
    options: GetFlashedMessagesOptions<C> & { withCategories: true },
  ): FlashPair<M, C>[];
  getFlashedMessages<C extends CategoryOf<M> = CategoryOf<M>>(
    options?: GetFlashedMessagesOptions<C> & { withCategories?: false },
  ): M[C][];
  getFlashedMessages<C extends CategoryOf<M> = CategoryOf<M>>(
    options?: GetFlashedMessagesOptions<C>,
  ): Array<M[C] | FlashPair<M, C>>;
  getFlashedMessages(options?: GetFlashedMessagesOptions): unknown[] {
    this.#read ??= this.#unread();
    return shape(this.#read, options);
  }

  /**
   * Returns what `getFlashedMessages()` would return, without consuming anything.
   *
   * @example
   * if (req.flash.peek().length > 0) res.set("Cache-Control", "no-store");
   */
  peek<C extends CategoryOf<M> = CategoryOf<M>>(
    options: GetFlashedMessagesOptions<C> & { withCategories: true },
  ): FlashPair<M, C>[];
  peek<C extends CategoryOf<M> = CategoryOf<M>>(
    options?: GetFlashedMessagesOptions<C> & { withCategories?: false },
  ): M[C][];
  peek<C extends CategoryOf<M> = CategoryOf<M>>(options?: GetFlashedMessagesOptions<C>): Array<M[C] | FlashPair<M, C>>;
  peek(options?: GetFlashedMessagesOptions): unknown[] {
    return shape(this.#read ?? this.#unread(), options);
  }

  /**
   * Keeps the messages this request has read for one more request, as if they had not been read.
   * Messages shown with `now()` are not kept.
   *
   * @example
   * // an intermediate redirect that should not swallow the message
   * req.flash.keep(); res.redirect("/next");
   */
  keep(): void {
    this.#kept = true;
  }

  /**
   * Consumes and returns the messages of `categoryFilter` that this request still holds (all of
   * them when there is no filter), oldest first, shaped as `getFlashedMessages()` shapes them.
   * Unlike `getFlashedMessages()`, it consumes only what it returns and caches nothing: the other
   * categories stay for a later read or the next request, and a message flashed later in the request
   * is returned by a later call. Before the first `getFlashedMessages()` it sees everything that
   * read would; after it, only what the request leaves for the client (the messages flashed since,
   * or everything after `keep()`). A stored message it consumes is removed at commit; one flashed in
   * this request is never stored.
   *
   * @example
   * jar.flash("Saved", "info");
   * jar.flash("Check your inbox", "warning");
   * jar.consume({ categoryFilter: ["info"] }); // ["Saved"]
   * jar.consume({ categoryFilter: ["info"] }); // []
   * jar.getFlashedMessages(); // ["Check your inbox"]
   */
  consume<C extends CategoryOf<M> = CategoryOf<M>>(
    options: GetFlashedMessagesOptions<C> & { withCategories: true },
  ): FlashPair<M, C>[];
  consume<C extends CategoryOf<M> = CategoryOf<M>>(
    options?: GetFlashedMessagesOptions<C> & { withCategories?: false },
  ): M[C][];
  consume<C extends CategoryOf<M> = CategoryOf<M>>(
    options?: GetFlashedMessagesOptions<C>,
  ): Array<M[C] | FlashPair<M, C>>;
  consume(options?: GetFlashedMessagesOptions): unknown[] {
    const selected = inCategories(this.#remaining(), options?.categoryFilter);
    if (selected.length > 0) {
      this.#consumed ??= new Set();
      for (const entry of selected) this.#consumed.add(entry);
    }
    return options?.withCategories ? selected.map(pairOf) : selected.map(messageOf);
  }

  /**
   * Returns what `consume()` would return now, without consuming anything (as `peek()` does for
   * `getFlashedMessages()`).
   *
   * @example
   * jar.flash("a", "info");
   * jar.flash("b", "info");
   * jar.remaining({ categoryFilter: ["info"] }).length; // 2
   */
  remaining<C extends CategoryOf<M> = CategoryOf<M>>(
    options: GetFlashedMessagesOptions<C> & { withCategories: true },
  ): FlashPair<M, C>[];
  remaining<C extends CategoryOf<M> = CategoryOf<M>>(
    options?: GetFlashedMessagesOptions<C> & { withCategories?: false },
  ): M[C][];
  remaining<C extends CategoryOf<M> = CategoryOf<M>>(
    options?: GetFlashedMessagesOptions<C>,
  ): Array<M[C] | FlashPair<M, C>>;
  remaining(options?: GetFlashedMessagesOptions): unknown[] {
    return shape(this.#remaining(), options);
  }

  /**
   * The ids of the messages the first `getFlashedMessages()` of this request returned, oldest first
   * (empty before it): what an adapter whose client confirms what it showed sends to the client.
   *
   * @example
   * jar.getFlashedMessages();
   * jar.readIds(); // ["0001k2...", ...]
   */
  readIds(): string[] {
    return this.#read === undefined ? [] : this.#read.map((entry) => entry.id);
  }

  /** Whether anything was flashed or read in this request (so the store has work to do). */
  get touched(): boolean {
    return this.#read !== undefined || this.#fresh.length > 0 || this.#late.length > 0 || this.#consumed !== undefined;
  }

  /** Whether `commit()` has run: the delta went to the store (or there was none). */
  get committed(): boolean {
    return this.#committed;
  }

  /**
   * Commits this request's delta now and tells the app whether the store took it, while the app can
   * still choose its response. After it the commit when the response goes out does nothing, and
   * `flash()` throws `ERR_FLASH_ALREADY_SAVED` (`now()` still works: it stores nothing). Read before
   * saving: a read after it is not recorded, so what it shows stays pending.
   *
   * @returns a promise that resolves once the store has applied the delta (at once for the cookie
   *   store) and rejects with the store's error when it could not: `FlashError`
   *   `ERR_FLASH_STORE_UNAVAILABLE`, `ERR_FLASH_STORE_FULL` or `ERR_FLASH_STORE_REJECTED` from the Redis
   *   store. A second call returns the first call's promise.
   * @example
   * req.flash("Profile updated successfully!", "success");
   * try {
   *   await req.flash.save();
   * } catch (error) {
   *   return res.status(503).send("Saved, but the confirmation could not be stored");
   * }
   * res.redirect(303, "/profile");
   */
  save(): Promise<void> {
    if (this.#saved) return this.#saved;
    if (this.#committed) {
      return Promise.reject(
        new FlashError("ERR_FLASH_HEADERS_SENT", "flash.save() was called after the response headers were sent"),
      );
    }
    let committing: void | Promise<void>;
    try {
      committing = this.commit();
    } catch (error) {
      committing = Promise.reject(error);
    }
    this.#saved = committing ?? Promise.resolve();
    return this.#saved;
  }

  /**
   * Computes this request's delta and hands it to the store, once. A request that neither flashed
   * nor consumed anything costs nothing: no store call, no `Set-Cookie`.
   */
  commit(): void | Promise<void> {
    if (this.#committed) return;
    this.#committed = true;
    // Nothing pending and nothing flashed (a quiet page): nothing to remove or add.
    if (this.#pending.length === 0 && this.#fresh.length === 0 && this.#late.length === 0) return;
    // A quiet request still trims a client that overlapping requests left over the limits.
    const delta = this.touched ? this.#delta() : this.#applyCaps(EMPTY, EMPTY);
    if (delta.remove.length === 0 && delta.add.length === 0) return;
    return this.#settings.store.commit(this.#request, delta);
  }

  /** What the first read of this request would take: the pending messages, then this request's. */
  #unread(): StoredFlash[] {
    const list = this.#fresh.length === 0 ? this.#pending.slice() : this.#pending.concat(this.#fresh);
    const consumed = this.#consumed;
    return consumed === undefined ? list : list.filter((entry) => !consumed.has(entry));
  }

  /** What `consume()` can still return, oldest first (see there). */
  #remaining(): readonly StoredFlash[] {
    if (this.#read === undefined) return this.#unread();
    const held = this.#kept ? this.#pending.concat(this.#persistedFresh(), this.#late) : this.#late;
    const consumed = this.#consumed;
    return consumed === undefined ? held : held.filter((entry) => !consumed.has(entry));
  }

  /** The entries of `#fresh` to store: the list itself unless `now()` was used before the first read. */
  #persistedFresh(): readonly StoredFlash[] {
    const shownNow = this.#shownNow;
    return shownNow === undefined ? this.#fresh : this.#fresh.filter((entry) => !shownNow.includes(entry));
  }

  #push(message: unknown, category: string, persist: boolean): void {
    if (typeof category !== "string") {
      throw new TypeError(`flash category must be a string, got ${typeof category}`);
    }
    if (this.#committed) {
      if (this.#saved === undefined) {
        throw new FlashError(
          "ERR_FLASH_HEADERS_SENT",
          "flash() was called after the response headers were sent; call it before responding",
        );
      }
      if (persist) {
        throw new FlashError(
          "ERR_FLASH_ALREADY_SAVED",
          "flash() was called after flash.save() had saved this request's messages; flash before saving " +
            "(flash.now() still shows a message in this response)",
        );
      }
    }
    let json: string | undefined;
    try {
      json = JSON.stringify([category, message]);
    } catch (cause) {
      throw new TypeError("flash message must be a JSON value (no cycles, no BigInt)", { cause });
    }
    if (message === undefined || typeof message === "function" || typeof message === "symbol") {
      throw new TypeError(`flash message must be a JSON value, got ${typeof message}`);
    }
    const newest = this.#late.at(-1) ?? this.#fresh.at(-1) ?? this.#pending.at(-1);
    const entry: StoredFlash = { id: nextFlashId(newest?.id), category, message, json };
    if (persist) {
      const { store } = this.#settings;
      store.assertAvailable?.();
      const bytes = store.measure(entry);
      const maxAdded = store.maxAddedBytes ?? store.maxBytes;
      if (bytes > maxAdded) {
        throw new FlashError(
          "ERR_FLASH_MESSAGE_TOO_LARGE",
          `flash message too large: it would take ${bytes} bytes of the ${store.name} store, one request may add ` +
            `at most ${maxAdded} (maxAddedBytes); shorten it, raise the store's maxAddedBytes, or use a server-side store`,
        );
      }
    }
    // A list made with its first entry holds one slot; `[]` grows to 17 on its first push.
    if (this.#read === undefined) {
      if (this.#fresh === NO_FRESH) this.#fresh = [entry];
      else this.#fresh.push(entry);
      if (!persist) {
        if (this.#shownNow === undefined) this.#shownNow = [entry];
        else this.#shownNow.push(entry);
      }
    } else if (persist) {
      if (this.#late === NO_LATE) this.#late = [entry];
      else this.#late.push(entry);
    } else this.#read.push(entry);
    this.#settings.onFlash?.({ category, message, kind: persist ? "flash" : "now" });
  }

  #delta(): FlashDelta {
    let remove: readonly StoredFlash[];
    let add: readonly StoredFlash[];
    const freshPersisted = this.#persistedFresh();
    if (this.#read === undefined) {
      remove = EMPTY;
      add = freshPersisted;
    } else if (this.#kept) {
      remove = EMPTY;
      add = freshPersisted.concat(this.#late);
    } else {
      // Only what the read returned: a read before load() (a hook that runs before the store
      // loads, say) saw none of the stored messages, so it consumes none of them.
      remove = selectIn(this.#pending, this.#read, true);
      add = this.#late;
    }
    const consumed = this.#consumed;
    if (consumed !== undefined) {
      const removing = new Set(remove);
      remove = remove.concat(this.#pending.filter((entry) => consumed.has(entry) && !removing.has(entry)));
      add = add.filter((entry) => !consumed.has(entry));
    }
    // Asked only now, when the request would remove a stored message: a quiet page reads no header.
    if (remove.length > 0 && !this.#settings.consumeOnSideRequests && this.#request.sideRequest === true) {
      remove = EMPTY;
    }
    return this.#applyCaps(remove, add);
  }

  /**
   * Drops the oldest messages this request added past what one request may add, then the oldest
   * messages while the client would hold more than one request may leave. Overlapping requests
   * each add at most the first limit over what they saw, and the next request trims back to the
   * second.
   */
  #applyCaps(remove: readonly StoredFlash[], add: readonly StoredFlash[]): FlashDelta {
    const { store, maxMessages, maxAddedMessages } = this.#settings;
    const maxAddedBytes = store.maxAddedBytes ?? store.maxBytes;
    let bytes = 0;
    for (const entry of add) bytes += store.measure(entry);
    if (add.length > maxAddedMessages || bytes > maxAddedBytes) {
      let first = 0;
      let reason: DropReason = "maxAddedMessages";
      while (add.length - first > maxAddedMessages || bytes > maxAddedBytes) {
        if (add.length - first <= maxAddedMessages) reason = "maxAddedBytes";
        bytes -= store.measure(add[first] as StoredFlash);
        first++;
      }
      this.#report(add.slice(0, first), reason);
      add = add.slice(first);
    }
    const pending = this.#pending;
    const held = pending.length === 0 ? EMPTY : remove.length === 0 ? pending : selectIn(pending, remove, false);
    for (const entry of held) bytes += measureHeld(store, entry);
    let count = held.length + add.length;
    if (count <= maxMessages && bytes <= store.maxBytes) return { remove, add };

    const kept = held.concat(add).sort(byId);
    const dropped: StoredFlash[] = [];
    let reason: DropReason = "maxMessages";
    for (const entry of kept) {
      if (count <= maxMessages && bytes <= store.maxBytes) break;
      if (count <= maxMessages) reason = "maxBytes";
      dropped.push(entry);
      count--;
      bytes -= measureHeld(store, entry);
    }
    const droppedSet = new Set(dropped);
    const droppedHeld = dropped.filter((entry) => !add.includes(entry));
    this.#report(dropped, reason);
    return { remove: remove.concat(droppedHeld), add: add.filter((entry) => !droppedSet.has(entry)) };
  }

  #report(dropped: readonly StoredFlash[], reason: DropReason): void {
    const { onDrop, logger, store } = this.#settings;
    if (onDrop) onDrop(dropped, reason);
    else {
      logger.warn(
        `flashkit: dropped ${dropped.length} oldest ${reason.startsWith("maxAdded") ? "flashed" : "pending"} ` +
          `message(s): ${DROP_WHY[reason].replace("STORE", store.name)}`,
      );
    }
  }
}

const DROP_WHY: Record<DropReason, string> = {
  maxMessages: "the client would hold more than maxMessages allows",
  maxBytes: "the client would hold more than the STORE store's maxBytes allows",
  maxAddedMessages: "one request flashed more than maxAddedMessages allows",
  maxAddedBytes: "one request flashed more than the STORE store's maxAddedBytes allows",
};

/**
 * The bytes a loaded message costs its client. A message stored under larger limits than the store
 * has now (a lowered `maxMessageBytes`, say) counts as the whole `maxBytes` instead of throwing, so
 * it is trimmed, never a failed request.
 */
function measureHeld(store: FlashStore, entry: StoredFlash): number {
  try {
    return store.measure(entry);
  } catch {
    return store.maxBytes;
  }
}

function shape(list: readonly StoredFlash[], options: GetFlashedMessagesOptions | undefined): unknown[] {
  const selected = inCategories(list, options?.categoryFilter);
  return options?.withCategories ? selected.map(pairOf) : selected.map(messageOf);
}

/** The entries of `list` in `filter`; all of them when there is no filter or it is empty, as in Flask. */
function inCategories(list: readonly StoredFlash[], filter: readonly string[] | undefined): readonly StoredFlash[] {
  return filter && filter.length > 0 ? list.filter((entry) => filter.includes(entry.category)) : list;
}

const pairOf = (entry: StoredFlash): [string, unknown] => [entry.category, entry.message];
const messageOf = (entry: StoredFlash): unknown => entry.message;

/**
 * The entries of `list` that are (`wanted` true) or are not (false) in `among`. A request's lists are
 * short, and a `Set` for a handful of entries costs more than scanning them; long ones get one. The
 * result is made with its first entry (`filter()` grows an array to 17 slots on its first push).
 */
function selectIn<T>(list: readonly T[], among: readonly T[], wanted: boolean): T[] {
  const set = among.length > 8 ? new Set(among) : undefined;
  let selected: T[] | undefined;
  for (const entry of list) {
    if ((set === undefined ? among.includes(entry) : set.has(entry)) !== wanted) continue;
    if (selected === undefined) selected = [entry];
    else selected.push(entry);
  }
  return selected ?? [];
}
