/**
 * NestJS 11 adapter, on Nest's Express and Fastify platforms: `FlashModule.forRoot(options)` (or
 * `forRootAsync()`) in the root module installs flashkit app-wide, and the `@Flash()` parameter
 * decorator hands a controller the request's `flash` function. Templates rendered by `@Render()` get
 * `get_flashed_messages()` as flashkit/express and flashkit/fastify give them (through `res.locals`,
 * `reply.locals`).
 *
 * Under the hood the module installs flashkit/express (`app.use()` on Express) or flashkit/fastify
 * (`register()` on Fastify) on the platform's own instance when Nest configures its middleware: after
 * what `main.ts` installed with `app.use()`/`app.register()` (a session middleware), before any route,
 * guard or interceptor, so everything Nest does for a request can flash and read.
 */
import {
  createParamDecorator,
  type DynamicModule,
  type ExecutionContext,
  Global,
  Inject,
  type InjectionToken,
  Module,
  type ModuleMetadata,
  type NestModule,
  type OptionalFactoryDependency,
  type Provider,
} from "@nestjs/common";
import { HttpAdapterHost } from "@nestjs/core";
import type { Flash as FlashInstance } from "../core/create-flash.js";
import { FlashError } from "../core/errors.js";
import type { FlashFunction } from "../core/request-api.js";
import type { FlashMap, MaybePromise, RegisteredFlashes } from "../core/types.js";
import { flash as expressFlash } from "./express.js";
import { flash as fastifyFlash } from "./fastify.js";
import { type FlashAdapterOptions, resolveFlash } from "./shared.js";

// Re-exported so that a program importing only this adapter loads the root module's types too: only
// then does TypeScript find the module that `declare module "flashkit" { interface Register ... }` augments.
export type { Register } from "../index.js";

/**
 * Options of `FlashModule.forRoot()`: flashkit's adapter options (`secret`, `cookie`, `store`,
 * `logger`, ...), or a `createFlash()` instance. No `onCommitError` (as on Express): a failed commit
 * warns; to decide in the controller, use `await flash.save()`.
 *
 * @example
 * FlashModule.forRoot({ secret: process.env.FLASH_SECRET });
 * FlashModule.forRoot(createFlash<AppFlashes>({ store: cookieStore({ secret: process.env.FLASH_SECRET }) }));
 */
export type FlashModuleOptions = FlashAdapterOptions | FlashInstance<FlashMap>;

/**
 * Options of `FlashModule.forRootAsync()`: a factory of {@link FlashModuleOptions}, with the
 * providers it injects (as `TypeOrmModule.forRootAsync()` and `JwtModule.registerAsync()` take them).
 *
 * @example
 * FlashModule.forRootAsync({
 *   imports: [ConfigModule],
 *   inject: [ConfigService],
 *   useFactory: (config: ConfigService) => ({ secret: config.getOrThrow("FLASH_SECRET") }),
 * });
 */
export interface FlashModuleAsyncOptions {
  /** Modules whose providers the factory injects. @default [] */
  imports?: ModuleMetadata["imports"];
  /** The providers handed to `useFactory`, in order. @default [] */
  inject?: Array<InjectionToken | OptionalFactoryDependency>;
  /** Returns the options (or a `createFlash()` instance), at once or as a promise. */
  // biome-ignore lint/suspicious/noExplicitAny: Nest's own factories take what `inject` lists, untyped
  useFactory: (...args: any[]) => MaybePromise<FlashModuleOptions>;
}

/**
 * The injection token of the app's flashkit instance (a `Flash`), for a service that needs it (to
 * `open()` a jar outside a request, or to read its store).
 *
 * @example
 * constructor(@Inject(FLASHKIT) private readonly flashkit: Flash) {}
 */
export const FLASHKIT: unique symbol = Symbol.for("flashkit.nest.instance") as never;

/** The Express apps and Fastify instances flashkit/nest installed flashkit on. */
const INSTALLED = new WeakSet<object>();

/** The token of the options `forRoot()`/`forRootAsync()` received. */
const FLASH_MODULE_OPTIONS: unique symbol = Symbol("flashkit.nest.options") as never;

/**
 * The request's `flash`, what `@Flash()` injects: call it to flash for the next request; its methods
 * read (`flash.getFlashedMessages()`), show now (`flash.now()`), keep, peek and save. Typed by the
 * categories the app registered (see docs/typed-categories.md); `RequestFlash<AppFlashes>` types it
 * by a `createFlash<AppFlashes>()` instance's instead.
 *
 * @example
 * @Post("update_profile")
 * @Redirect("/profile", 303)
 * update(@Flash() flash: RequestFlash) {
 *   flash("Profile updated successfully!", "success");
 * }
 */
export type RequestFlash<M extends FlashMap = RegisteredFlashes> = FlashFunction<M>;

/**
 * The Nest module that installs flashkit. Import `FlashModule.forRoot()` (or `forRootAsync()`) once,
 * in the root module; it is global, so every module's controllers can use `@Flash()`.
 *
 * With no `secret` and no `store`, the signed-cookie store signs with `FLASH_SECRET`; without it a
 * random secret is made for the process with a warning, and under `NODE_ENV=production` the app fails
 * to start (`NestFactory.create()` throws `FlashError` `ERR_FLASH_CONFIG` saying what to set).
 *
 * @example
 * import { Module } from "@nestjs/common";
 * import { FlashModule } from "flashkit/nest";
 *
 * @Module({ imports: [FlashModule.forRoot({ secret: process.env.FLASH_SECRET })], controllers: [AppController] })
 * export class AppModule {}
 */
export class FlashModule implements NestModule {
  readonly #host: HttpAdapterHost;
  readonly #flash: FlashInstance<FlashMap>;

  constructor(host: HttpAdapterHost, flash: FlashInstance<FlashMap>) {
    this.#host = host;
    this.#flash = flash;
  }

  /**
   * The module with these options (none: the signed-cookie store over `FLASH_SECRET`).
   *
   * @throws {FlashError} `ERR_FLASH_CONFIG` from `NestFactory.create()` when the options cannot work.
   * @example
   * FlashModule.forRoot({ secret: process.env.FLASH_SECRET, cookie: { secure: true } });
   */
  static forRoot(options: FlashModuleOptions = {}): DynamicModule {
    return FlashModule.#module([], { provide: FLASH_MODULE_OPTIONS, useValue: options });
  }

  /**
   * The module with options a factory makes from injected providers (a secret from `ConfigService`).
   *
   * @throws {FlashError} `ERR_FLASH_CONFIG` from `NestFactory.create()` when the options cannot work.
   * @example
   * FlashModule.forRootAsync({
   *   inject: [ConfigService],
   *   useFactory: (config: ConfigService) => ({ secret: config.getOrThrow("FLASH_SECRET") }),
   * });
   */
  static forRootAsync(options: FlashModuleAsyncOptions): DynamicModule {
    if (typeof options?.useFactory !== "function") {
      throw new TypeError("FlashModule.forRootAsync({ useFactory }): useFactory must be a function");
    }
    return FlashModule.#module(options.imports ?? [], {
      provide: FLASH_MODULE_OPTIONS,
      useFactory: options.useFactory,
      inject: options.inject ?? [],
    });
  }

  static #module(imports: NonNullable<ModuleMetadata["imports"]>, optionsProvider: Provider): DynamicModule {
    return {
      module: FlashModule,
      global: true,
      imports,
      providers: [
        optionsProvider,
        // Resolved when Nest creates the app's providers, so a missing secret fails NestFactory.create().
        {
          provide: FLASHKIT,
          useFactory: (given: FlashModuleOptions) => resolveFlash(given ?? {}),
          inject: [FLASH_MODULE_OPTIONS],
        },
      ],
      exports: [FLASHKIT],
    };
  }

  /** Installs flashkit on the platform's instance; Nest calls it while `app.init()` sets up middleware. */
  async configure(): Promise<void> {
    const adapter = this.#host.httpAdapter;
    // A standalone application or a microservice has no HTTP platform, and no request to flash on.
    if (!adapter) return;
    const instance: object = adapter.getInstance();
    if (INSTALLED.has(instance)) {
      throw new FlashError(
        "ERR_FLASH_CONFIG",
        "FlashModule is imported more than once in this app: import FlashModule.forRoot() (or forRootAsync()) " +
          "once, in the root module; it is global, so every module's controllers can use @Flash()",
      );
    }
    INSTALLED.add(instance);
    const platform = adapter.getType();
    if (platform === "express") {
      adapter.getInstance().use(expressFlash(this.#flash));
    } else if (platform === "fastify") {
      // Awaited so that the plugin's own refusals (flashkit/fastify registered a second time) fail app.init().
      await adapter.getInstance().register(fastifyFlash(this.#flash));
    } else {
      throw new FlashError(
        "ERR_FLASH_CONFIG",
        `FlashModule supports Nest's Express and Fastify platforms; this app runs on ${JSON.stringify(platform)}`,
      );
    }
  }
}
// Decorators applied as functions: the package compiles without experimentalDecorators, and Nest
// reads the same metadata either way.
Inject(HttpAdapterHost)(FlashModule, undefined, 0);
Inject(FLASHKIT)(FlashModule, undefined, 1);
Global()(FlashModule);
Module({})(FlashModule);

/**
 * Injects the request's {@link RequestFlash} into a controller method (or a guard, pipe or filter
 * that reads `context.switchToHttp().getRequest().flash` itself).
 *
 * @throws {FlashError} `ERR_FLASH_CONFIG` on a request flashkit did not open (no `FlashModule.forRoot()`
 *   in the app's imports).
 * @example
 * @Post("login")
 * @Redirect("/login", 303)
 * login(@Body() body: LoginForm, @Flash() flash: RequestFlash) {
 *   flash("Invalid username or password", "error");
 * }
 */
export const Flash: () => ParameterDecorator = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  requestFlash(context.switchToHttp().getRequest()),
);

/**
 * The `flash` of a Nest request (Express's `req`, Fastify's `request`), for code that holds the
 * request rather than a parameter decorator: exception filters, guards, interceptors.
 *
 * @throws {FlashError} `ERR_FLASH_CONFIG` when flashkit did not open the request (no `FlashModule`).
 * @example
 * catch(exception: HttpException, host: ArgumentsHost) {
 *   flashOf(host.switchToHttp().getRequest())(exception.message, "error");
 * }
 */
export function flashOf<M extends FlashMap = RegisteredFlashes>(request: object): RequestFlash<M> {
  return requestFlash(request) as unknown as RequestFlash<M>;
}

function requestFlash(request: unknown): RequestFlash {
  const flash = (request as { flash?: unknown } | undefined)?.flash;
  if (typeof flash !== "function") {
    throw new FlashError(
      "ERR_FLASH_CONFIG",
      "this request has no flash: import FlashModule.forRoot() (from flashkit/nest) in the app's root module",
    );
  }
  return flash as RequestFlash;
}
