/**
 * Loads Prisma's schema engine compiled to WebAssembly (@prisma/schema-engine-wasm, pinned exactly: the
 * glue below depends on its generated export names). See docs/decisions/0001-offline-migrations.md.
 *
 * Why by hand: the package's entry does `import * as wasm from "./schema_engine_bg.wasm"`, which Node
 * cannot import, and the .wasm path is not in its `exports`. So we resolve the exported JS glue
 * (`schema_engine_bg`), read the .wasm file next to it, instantiate it with the glue as its import object and
 * run wasm-bindgen's set-wasm/start steps ourselves — the same plumbing Prisma's CLI used for this engine.
 */
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import type * as GlueModule from '@prisma/schema-engine-wasm/schema_engine_bg';

type Glue = typeof GlueModule;
export type SchemaEngineClass = typeof SchemaEngine;
export type { SchemaEngine };

/**
 * The glue reports Rust panics through this global (`global.PRISMA_WASM_PANIC_REGISTRY.set_message(...)`).
 * Without it a panic surfaces as "Cannot read properties of undefined (reading 'set_message')" and the real
 * message is lost.
 */
class WasmPanicRegistry {
  message = '';
  set_message(value: string): void {
    this.message = `RuntimeError: ${value}`;
  }
}

declare global {
  var PRISMA_WASM_PANIC_REGISTRY: WasmPanicRegistry | undefined;
}

/** The last engine panic message, if any (panics arrive as a bare `RuntimeError: unreachable`). */
export function lastPanicMessage(): string | undefined {
  return globalThis.PRISMA_WASM_PANIC_REGISTRY?.message || undefined;
}

let loading: Promise<SchemaEngineClass> | undefined;

/**
 * One instance per process: wasm-bindgen keeps module-level state in the glue, so instantiating twice would
 * point the shared glue at a second memory and break the first engine's objects.
 */
export function loadSchemaEngine(): Promise<SchemaEngineClass> {
  loading ??= (async () => {
    globalThis.PRISMA_WASM_PANIC_REGISTRY ??= new WasmPanicRegistry();

    const require = createRequire(import.meta.url);
    const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const glue: Glue = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await fs.readFile(path.join(path.dirname(gluePath), 'schema_engine_bg.wasm'));
    const compiled = await WebAssembly.compile(bytes);

    const imports: Record<string, unknown> = { ...glue };
    // The engine arms a ~10 s timer (connection/idle bookkeeping) that would keep the process alive after
    // the work is done. An unref'd timer still fires while anything else (a query) keeps Node busy.
    for (const name of Object.keys(glue)) {
      if (!name.startsWith('__wbg_setTimeout_')) continue;
      const original = (glue as unknown as Record<string, (...args: unknown[]) => unknown>)[name];
      imports[name] = (...args: unknown[]) => {
        const timer = original?.(...args);
        (timer as { unref?: () => void } | undefined)?.unref?.();
        return timer;
      };
    }

    const instance = await WebAssembly.instantiate(compiled, {
      './schema_engine_bg.js': imports,
    } as WebAssembly.Imports);
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue.SchemaEngine;
  })();
  return loading;
}
