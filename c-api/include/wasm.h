/*
 * wasm.h — the standard WebAssembly C API (the wasm-c-api proposal), as Silo implements it.
 *
 * This header was written for Silo from the proposal's interface: the names, types and
 * ownership rules are the standard's, the text is ours. Silo's own additions are in silo.h.
 *
 * Ownership
 * ---------
 * - A parameter or result marked `own` transfers ownership: the receiver must eventually delete
 *   it with the matching `wasm_X_delete` (or pass it on to another `own` parameter).
 * - An `own` out-parameter (`own wasm_X_vec_t* out`) is written by the callee; the caller then
 *   owns what was written. Whatever the out-parameter held before is overwritten, not freed.
 * - Anything not marked `own` is borrowed: the callee does not keep it past the call, and a
 *   pointer returned without `own` lives as long as the object it was obtained from.
 * - A vector owns its elements: deleting a vector deletes them, `_copy` copies them deeply and
 *   `_new` takes over the elements it is given.
 * - Objects made in a store (functions, globals, tables, memories, externs, instances, foreign
 *   objects, references) must not be used after their store is deleted (deleting them is still
 *   allowed). A store and its objects are used by one thread at a time; engines and shared
 *   modules (wasm_shared_module_t) may be used from any thread.
 *
 * NULL
 * ----
 * Functions that create objects return NULL when they fail (invalid module, wrong value type,
 * NULL argument). Accessors given NULL return NULL, 0 or false; `_delete` ignores NULL.
 *
 * Silo notes
 * ----------
 * - wasm_module_serialize gives, with an engine that runs native code (jit or tiered, the
 *   default), the module compiled to native code; wasm_module_deserialize places it again
 *   without compiling, and returns NULL for bytes from another build of Silo, another machine,
 *   other settings, or damaged. The native code is trusted (as wasmtime's): deserialize only
 *   bytes wasm_module_serialize made. With the interpreter, the bytes are the original binary.
 * - Host info belongs to the C object it is set on: a copy (`wasm_X_copy`, or another object
 *   for the same entity) starts without it; deleting the object runs the finalizer.
 * - Trap frames know their function index and module offset; their function offset and
 *   instance are known for frames in the instance whose export was called (0 and NULL
 *   elsewhere).
 * - Modules using types the standard cannot name (v128, GC references) can be compiled and run;
 *   silo.h names the extra value kinds reflection may report. Tags (exceptions) are left out of
 *   imports and exports.
 */

#ifndef SILO_WASM_H
#define SILO_WASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <assert.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Marks a transfer of ownership (see above). Expands to nothing. */
#define own

/* ---------------------------------------------------------------------------------------- */
/* Basic types */

typedef char byte_t;
typedef float float32_t;
typedef double float64_t;
typedef byte_t wasm_byte_t;

/* Declares a vector type `wasm_<name>_vec_t` of elements `elem` and its five functions:
 * _new_empty (size 0), _new_uninitialized (size zeroed/NULL elements), _new (takes over
 * `size` elements from `data`), _copy (deep copy), _delete (deletes the elements). */
#define SILO_WASM_VEC(name, elem)                                                              \
  typedef struct wasm_##name##_vec_t {                                                         \
    size_t size;                                                                               \
    elem* data;                                                                                \
  } wasm_##name##_vec_t;                                                                       \
  void wasm_##name##_vec_new_empty(own wasm_##name##_vec_t* out);                              \
  void wasm_##name##_vec_new_uninitialized(own wasm_##name##_vec_t* out, size_t size);         \
  void wasm_##name##_vec_new(own wasm_##name##_vec_t* out, size_t size, own elem const data[]); \
  void wasm_##name##_vec_copy(own wasm_##name##_vec_t* out, const wasm_##name##_vec_t* src);   \
  void wasm_##name##_vec_delete(own wasm_##name##_vec_t* vec);

/* Declares `wasm_<name>_delete` for an object type. */
#define SILO_WASM_OWN(name)                                                                    \
  typedef struct wasm_##name##_t wasm_##name##_t;                                              \
  void wasm_##name##_delete(own wasm_##name##_t*);

/* Declares an object type, its `_delete` and `_copy`, and a vector of owned pointers to it. */
#define SILO_WASM_TYPE(name)                                                                   \
  SILO_WASM_OWN(name)                                                                          \
  SILO_WASM_VEC(name, wasm_##name##_t*)                                                        \
  own wasm_##name##_t* wasm_##name##_copy(const wasm_##name##_t*);

SILO_WASM_VEC(byte, wasm_byte_t)

/* A name: a byte vector, not NUL-terminated. */
typedef wasm_byte_vec_t wasm_name_t;
#define wasm_name wasm_byte_vec
#define wasm_name_new wasm_byte_vec_new
#define wasm_name_new_empty wasm_byte_vec_new_empty
#define wasm_name_new_uninitialized wasm_byte_vec_new_uninitialized
#define wasm_name_copy wasm_byte_vec_copy
#define wasm_name_delete wasm_byte_vec_delete

/* A name holding the characters of `s` (without its NUL). */
static inline void wasm_name_new_from_string(own wasm_name_t* out, own const char* s) {
  wasm_name_new(out, strlen(s), s);
}

/* A name holding the characters of `s` and its NUL. */
static inline void wasm_name_new_from_string_nt(own wasm_name_t* out, own const char* s) {
  wasm_name_new(out, strlen(s) + 1, s);
}

/* ---------------------------------------------------------------------------------------- */
/* Runtime environment */

SILO_WASM_OWN(config)
/* Default settings; change them with silo.h's silo_config_* functions. */
own wasm_config_t* wasm_config_new(void);

SILO_WASM_OWN(engine)
/* An engine with the default settings (tiered: interpreter first, hot code compiled). */
own wasm_engine_t* wasm_engine_new(void);
/* An engine with `config`'s settings; consumes `config`. NULL if they ask for native code this
 * machine cannot run. */
own wasm_engine_t* wasm_engine_new_with_config(own wasm_config_t* config);

SILO_WASM_OWN(store)
own wasm_store_t* wasm_store_new(wasm_engine_t* engine);

/* ---------------------------------------------------------------------------------------- */
/* Type representations */

typedef uint8_t wasm_mutability_t;
enum wasm_mutability_enum { WASM_CONST, WASM_VAR };

/* Sizes of tables (elements) and memories (pages). */
typedef struct wasm_limits_t {
  uint32_t min;
  uint32_t max;
} wasm_limits_t;

/* The `max` of limits without a maximum. */
static const uint32_t wasm_limits_max_default = 0xffffffff;

SILO_WASM_TYPE(valtype)

typedef uint8_t wasm_valkind_t;
enum wasm_valkind_enum {
  WASM_I32,
  WASM_I64,
  WASM_F32,
  WASM_F64,
  WASM_EXTERNREF = 128,
  WASM_FUNCREF,
};

/* NULL for a kind that names no type. */
own wasm_valtype_t* wasm_valtype_new(wasm_valkind_t kind);
wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t*);

static inline bool wasm_valkind_is_num(wasm_valkind_t k) { return k < WASM_EXTERNREF; }
static inline bool wasm_valkind_is_ref(wasm_valkind_t k) { return k >= WASM_EXTERNREF; }
static inline bool wasm_valtype_is_num(const wasm_valtype_t* t) {
  return wasm_valkind_is_num(wasm_valtype_kind(t));
}
static inline bool wasm_valtype_is_ref(const wasm_valtype_t* t) {
  return wasm_valkind_is_ref(wasm_valtype_kind(t));
}

SILO_WASM_TYPE(functype)
/* Takes over the value types of both vectors (which are left empty). */
own wasm_functype_t* wasm_functype_new(own wasm_valtype_vec_t* params,
                                       own wasm_valtype_vec_t* results);
const wasm_valtype_vec_t* wasm_functype_params(const wasm_functype_t*);
const wasm_valtype_vec_t* wasm_functype_results(const wasm_functype_t*);

SILO_WASM_TYPE(globaltype)
own wasm_globaltype_t* wasm_globaltype_new(own wasm_valtype_t* content, wasm_mutability_t);
const wasm_valtype_t* wasm_globaltype_content(const wasm_globaltype_t*);
wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t*);

SILO_WASM_TYPE(tabletype)
/* `element` must be a reference type. */
own wasm_tabletype_t* wasm_tabletype_new(own wasm_valtype_t* element, const wasm_limits_t*);
const wasm_valtype_t* wasm_tabletype_element(const wasm_tabletype_t*);
const wasm_limits_t* wasm_tabletype_limits(const wasm_tabletype_t*);

SILO_WASM_TYPE(memorytype)
own wasm_memorytype_t* wasm_memorytype_new(const wasm_limits_t*);
const wasm_limits_t* wasm_memorytype_limits(const wasm_memorytype_t*);

SILO_WASM_TYPE(externtype)

typedef uint8_t wasm_externkind_t;
enum wasm_externkind_enum {
  WASM_EXTERN_FUNC,
  WASM_EXTERN_GLOBAL,
  WASM_EXTERN_TABLE,
  WASM_EXTERN_MEMORY,
};

wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t*);

/* A function (global, table, memory) type is an extern type: the `as_externtype` conversions
 * return the same object, and the reverse ones return it too, or NULL if the kind differs. */
wasm_externtype_t* wasm_functype_as_externtype(wasm_functype_t*);
wasm_externtype_t* wasm_globaltype_as_externtype(wasm_globaltype_t*);
wasm_externtype_t* wasm_tabletype_as_externtype(wasm_tabletype_t*);
wasm_externtype_t* wasm_memorytype_as_externtype(wasm_memorytype_t*);

wasm_functype_t* wasm_externtype_as_functype(wasm_externtype_t*);
wasm_globaltype_t* wasm_externtype_as_globaltype(wasm_externtype_t*);
wasm_tabletype_t* wasm_externtype_as_tabletype(wasm_externtype_t*);
wasm_memorytype_t* wasm_externtype_as_memorytype(wasm_externtype_t*);

const wasm_externtype_t* wasm_functype_as_externtype_const(const wasm_functype_t*);
const wasm_externtype_t* wasm_globaltype_as_externtype_const(const wasm_globaltype_t*);
const wasm_externtype_t* wasm_tabletype_as_externtype_const(const wasm_tabletype_t*);
const wasm_externtype_t* wasm_memorytype_as_externtype_const(const wasm_memorytype_t*);

const wasm_functype_t* wasm_externtype_as_functype_const(const wasm_externtype_t*);
const wasm_globaltype_t* wasm_externtype_as_globaltype_const(const wasm_externtype_t*);
const wasm_tabletype_t* wasm_externtype_as_tabletype_const(const wasm_externtype_t*);
const wasm_memorytype_t* wasm_externtype_as_memorytype_const(const wasm_externtype_t*);

SILO_WASM_TYPE(importtype)
own wasm_importtype_t* wasm_importtype_new(own wasm_name_t* module, own wasm_name_t* name,
                                           own wasm_externtype_t*);
const wasm_name_t* wasm_importtype_module(const wasm_importtype_t*);
const wasm_name_t* wasm_importtype_name(const wasm_importtype_t*);
const wasm_externtype_t* wasm_importtype_type(const wasm_importtype_t*);

SILO_WASM_TYPE(exporttype)
own wasm_exporttype_t* wasm_exporttype_new(own wasm_name_t*, own wasm_externtype_t*);
const wasm_name_t* wasm_exporttype_name(const wasm_exporttype_t*);
const wasm_externtype_t* wasm_exporttype_type(const wasm_exporttype_t*);

/* ---------------------------------------------------------------------------------------- */
/* Runtime objects */

/* Declares the functions every reference object has: delete, copy, same (whether two objects
 * refer to the same entity) and host info. */
#define SILO_WASM_REF_BASE(name)                                                               \
  SILO_WASM_OWN(name)                                                                          \
  own wasm_##name##_t* wasm_##name##_copy(const wasm_##name##_t*);                             \
  bool wasm_##name##_same(const wasm_##name##_t*, const wasm_##name##_t*);                     \
  void* wasm_##name##_get_host_info(const wasm_##name##_t*);                                   \
  void wasm_##name##_set_host_info(wasm_##name##_t*, void*);                                   \
  void wasm_##name##_set_host_info_with_finalizer(wasm_##name##_t*, void*, void (*)(void*));

/* A reference object of another kind: also convertible to and from `wasm_ref_t` (the
 * conversions return the same object; the reverse ones NULL if it is of another kind). */
#define SILO_WASM_REF(name)                                                                    \
  SILO_WASM_REF_BASE(name)                                                                     \
  wasm_ref_t* wasm_##name##_as_ref(wasm_##name##_t*);                                          \
  wasm_##name##_t* wasm_ref_as_##name(wasm_ref_t*);                                            \
  const wasm_ref_t* wasm_##name##_as_ref_const(const wasm_##name##_t*);                        \
  const wasm_##name##_t* wasm_ref_as_##name##_const(const wasm_ref_t*);

SILO_WASM_REF_BASE(ref)

/* A value: its kind and the matching member of `of`. A reference value owns its `ref` (NULL
 * is the null reference). */
typedef struct wasm_val_t {
  wasm_valkind_t kind;
  union {
    int32_t i32;
    int64_t i64;
    float32_t f32;
    float64_t f64;
    struct wasm_ref_t* ref;
  } of;
} wasm_val_t;

void wasm_val_delete(own wasm_val_t* v);
void wasm_val_copy(own wasm_val_t* out, const wasm_val_t*);

SILO_WASM_VEC(val, wasm_val_t)

/* Frames */

SILO_WASM_TYPE(frame)
/* The frame's instance (owned by the frame), or NULL if not known. */
struct wasm_instance_t* wasm_frame_instance(const wasm_frame_t*);
uint32_t wasm_frame_func_index(const wasm_frame_t*);
size_t wasm_frame_func_offset(const wasm_frame_t*);
size_t wasm_frame_module_offset(const wasm_frame_t*);

/* Traps */

/* A message: a byte vector ending in a NUL byte. */
typedef wasm_name_t wasm_message_t;

SILO_WASM_REF(trap)
own wasm_trap_t* wasm_trap_new(wasm_store_t* store, const wasm_message_t*);
void wasm_trap_message(const wasm_trap_t*, own wasm_message_t* out);
/* The innermost frame, or NULL if the trap has none. */
own wasm_frame_t* wasm_trap_origin(const wasm_trap_t*);
/* The frames, innermost first. */
void wasm_trap_trace(const wasm_trap_t*, own wasm_frame_vec_t* out);

/* Foreign objects: host values an `externref` can carry. */

SILO_WASM_REF(foreign)
own wasm_foreign_t* wasm_foreign_new(wasm_store_t*);

/* Modules */

/* wasm_module_same: whether both are copies of one compiled module. */
SILO_WASM_REF(module)

/* A module that can cross threads: obtain it in a store of the same engine. */
SILO_WASM_OWN(shared_module)
own wasm_shared_module_t* wasm_module_share(const wasm_module_t*);
own wasm_module_t* wasm_module_obtain(wasm_store_t*, const wasm_shared_module_t*);

/* Compiles a module from the binary format; NULL if it is invalid. */
own wasm_module_t* wasm_module_new(wasm_store_t*, const wasm_byte_vec_t* binary);
bool wasm_module_validate(wasm_store_t*, const wasm_byte_vec_t* binary);
void wasm_module_imports(const wasm_module_t*, own wasm_importtype_vec_t* out);
void wasm_module_exports(const wasm_module_t*, own wasm_exporttype_vec_t* out);
/* Silo: with a native engine the serialization is the module compiled to native code, which
 * deserializing places again without compiling (NULL for bytes from another build, machine or
 * settings, or damaged: deserialize only what wasm_module_serialize made); with the interpreter
 * it is the module's original binary. */
void wasm_module_serialize(const wasm_module_t*, own wasm_byte_vec_t* out);
own wasm_module_t* wasm_module_deserialize(wasm_store_t*, const wasm_byte_vec_t*);

/* Function instances */

SILO_WASM_REF(func)

/* A host function's code: reads `args`, writes `results` (which arrives with the right size
 * and kinds, zeroed), and returns NULL or a trap it gives away. */
typedef own wasm_trap_t* (*wasm_func_callback_t)(const wasm_val_vec_t* args,
                                                  own wasm_val_vec_t* results);
typedef own wasm_trap_t* (*wasm_func_callback_with_env_t)(void* env, const wasm_val_vec_t* args,
                                                           own wasm_val_vec_t* results);

own wasm_func_t* wasm_func_new(wasm_store_t*, const wasm_functype_t*, wasm_func_callback_t);
/* `finalizer(env)`, if not NULL, runs exactly once, when the store is deleted. */
own wasm_func_t* wasm_func_new_with_env(wasm_store_t*, const wasm_functype_t* type,
                                        wasm_func_callback_with_env_t, void* env,
                                        void (*finalizer)(void*));

own wasm_functype_t* wasm_func_type(const wasm_func_t*);
size_t wasm_func_param_arity(const wasm_func_t*);
size_t wasm_func_result_arity(const wasm_func_t*);

/* Calls the function. `results` must have exactly the function's result count; it receives the
 * results (reference results are new objects the caller owns). Returns NULL, or the trap. */
own wasm_trap_t* wasm_func_call(const wasm_func_t*, const wasm_val_vec_t* args,
                                wasm_val_vec_t* results);

/* Global instances */

SILO_WASM_REF(global)

own wasm_global_t* wasm_global_new(wasm_store_t*, const wasm_globaltype_t*, const wasm_val_t*);
own wasm_globaltype_t* wasm_global_type(const wasm_global_t*);
void wasm_global_get(const wasm_global_t*, own wasm_val_t* out);
/* Does nothing if the global is immutable or the value of another type. */
void wasm_global_set(wasm_global_t*, const wasm_val_t*);

/* Table instances */

SILO_WASM_REF(table)

typedef uint32_t wasm_table_size_t;

own wasm_table_t* wasm_table_new(wasm_store_t*, const wasm_tabletype_t*, wasm_ref_t* init);
own wasm_tabletype_t* wasm_table_type(const wasm_table_t*);
/* NULL for a null element or an index out of bounds. */
own wasm_ref_t* wasm_table_get(const wasm_table_t*, wasm_table_size_t index);
bool wasm_table_set(wasm_table_t*, wasm_table_size_t index, wasm_ref_t*);
wasm_table_size_t wasm_table_size(const wasm_table_t*);
bool wasm_table_grow(wasm_table_t*, wasm_table_size_t delta, wasm_ref_t* init);

/* Memory instances */

SILO_WASM_REF(memory)

typedef uint32_t wasm_memory_pages_t;

static const size_t MEMORY_PAGE_SIZE = 0x10000;

own wasm_memory_t* wasm_memory_new(wasm_store_t*, const wasm_memorytype_t*);
own wasm_memorytype_t* wasm_memory_type(const wasm_memory_t*);
/* The first byte; valid until the memory grows. */
byte_t* wasm_memory_data(wasm_memory_t*);
size_t wasm_memory_data_size(const wasm_memory_t*);
wasm_memory_pages_t wasm_memory_size(const wasm_memory_t*);
bool wasm_memory_grow(wasm_memory_t*, wasm_memory_pages_t delta);

/* Externals */

SILO_WASM_REF(extern)
SILO_WASM_VEC(extern, wasm_extern_t*)

wasm_externkind_t wasm_extern_kind(const wasm_extern_t*);
own wasm_externtype_t* wasm_extern_type(const wasm_extern_t*);

/* A function (global, table, memory) is an extern: `as_extern` returns the same object, the
 * reverse conversions return it too, or NULL if it is of another kind. */
wasm_extern_t* wasm_func_as_extern(wasm_func_t*);
wasm_extern_t* wasm_global_as_extern(wasm_global_t*);
wasm_extern_t* wasm_table_as_extern(wasm_table_t*);
wasm_extern_t* wasm_memory_as_extern(wasm_memory_t*);

wasm_func_t* wasm_extern_as_func(wasm_extern_t*);
wasm_global_t* wasm_extern_as_global(wasm_extern_t*);
wasm_table_t* wasm_extern_as_table(wasm_extern_t*);
wasm_memory_t* wasm_extern_as_memory(wasm_extern_t*);

const wasm_extern_t* wasm_func_as_extern_const(const wasm_func_t*);
const wasm_extern_t* wasm_global_as_extern_const(const wasm_global_t*);
const wasm_extern_t* wasm_table_as_extern_const(const wasm_table_t*);
const wasm_extern_t* wasm_memory_as_extern_const(const wasm_memory_t*);

const wasm_func_t* wasm_extern_as_func_const(const wasm_extern_t*);
const wasm_global_t* wasm_extern_as_global_const(const wasm_extern_t*);
const wasm_table_t* wasm_extern_as_table_const(const wasm_extern_t*);
const wasm_memory_t* wasm_extern_as_memory_const(const wasm_extern_t*);

/* Module instances */

SILO_WASM_REF(instance)

/* Instantiates with one extern per import, in the module's import order. On failure returns
 * NULL and, if `trap` is not NULL, stores a trap saying why in `*trap`. */
own wasm_instance_t* wasm_instance_new(wasm_store_t*, const wasm_module_t*,
                                       const wasm_extern_vec_t* imports, own wasm_trap_t** trap);
/* The exports, in the module's export order. */
void wasm_instance_exports(const wasm_instance_t*, own wasm_extern_vec_t* out);

/* ---------------------------------------------------------------------------------------- */
/* Convenience */

static inline own wasm_valtype_t* wasm_valtype_new_i32(void) { return wasm_valtype_new(WASM_I32); }
static inline own wasm_valtype_t* wasm_valtype_new_i64(void) { return wasm_valtype_new(WASM_I64); }
static inline own wasm_valtype_t* wasm_valtype_new_f32(void) { return wasm_valtype_new(WASM_F32); }
static inline own wasm_valtype_t* wasm_valtype_new_f64(void) { return wasm_valtype_new(WASM_F64); }
static inline own wasm_valtype_t* wasm_valtype_new_externref(void) {
  return wasm_valtype_new(WASM_EXTERNREF);
}
static inline own wasm_valtype_t* wasm_valtype_new_funcref(void) {
  return wasm_valtype_new(WASM_FUNCREF);
}

/* Function types of up to three parameters and results: wasm_functype_new_<params>_<results>,
 * taking over the value types given. */
static inline own wasm_functype_t* silo_wasm_functype_of(size_t np, wasm_valtype_t** ps,
                                                         size_t nr, wasm_valtype_t** rs) {
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new(&params, np, ps);
  wasm_valtype_vec_new(&results, nr, rs);
  return wasm_functype_new(&params, &results);
}
static inline own wasm_functype_t* wasm_functype_new_0_0(void) {
  return silo_wasm_functype_of(0, NULL, 0, NULL);
}
static inline own wasm_functype_t* wasm_functype_new_1_0(own wasm_valtype_t* p) {
  wasm_valtype_t* ps[1] = {p};
  return silo_wasm_functype_of(1, ps, 0, NULL);
}
static inline own wasm_functype_t* wasm_functype_new_2_0(own wasm_valtype_t* p1,
                                                         own wasm_valtype_t* p2) {
  wasm_valtype_t* ps[2] = {p1, p2};
  return silo_wasm_functype_of(2, ps, 0, NULL);
}
static inline own wasm_functype_t* wasm_functype_new_0_1(own wasm_valtype_t* r) {
  wasm_valtype_t* rs[1] = {r};
  return silo_wasm_functype_of(0, NULL, 1, rs);
}
static inline own wasm_functype_t* wasm_functype_new_1_1(own wasm_valtype_t* p,
                                                         own wasm_valtype_t* r) {
  wasm_valtype_t* ps[1] = {p};
  wasm_valtype_t* rs[1] = {r};
  return silo_wasm_functype_of(1, ps, 1, rs);
}
static inline own wasm_functype_t* wasm_functype_new_2_1(own wasm_valtype_t* p1,
                                                         own wasm_valtype_t* p2,
                                                         own wasm_valtype_t* r) {
  wasm_valtype_t* ps[2] = {p1, p2};
  wasm_valtype_t* rs[1] = {r};
  return silo_wasm_functype_of(2, ps, 1, rs);
}
static inline own wasm_functype_t* wasm_functype_new_3_0(own wasm_valtype_t* p1,
                                                         own wasm_valtype_t* p2,
                                                         own wasm_valtype_t* p3) {
  wasm_valtype_t* ps[3] = {p1, p2, p3};
  return silo_wasm_functype_of(3, ps, 0, NULL);
}

/* Vectors over arrays on the stack (borrowed: never delete them). */
#define WASM_EMPTY_VEC {0, NULL}
#define WASM_ARRAY_VEC(array) {sizeof(array) / sizeof(*(array)), array}

/* Value initializers. */
#define WASM_I32_VAL(x) {.kind = WASM_I32, .of = {.i32 = x}}
#define WASM_I64_VAL(x) {.kind = WASM_I64, .of = {.i64 = x}}
#define WASM_F32_VAL(x) {.kind = WASM_F32, .of = {.f32 = x}}
#define WASM_F64_VAL(x) {.kind = WASM_F64, .of = {.f64 = x}}
#define WASM_REF_VAL(r) {.kind = WASM_EXTERNREF, .of = {.ref = r}}
#define WASM_INIT_VAL {.kind = WASM_EXTERNREF, .of = {.ref = NULL}}

#ifdef __cplusplus
}
#endif

#endif /* SILO_WASM_H */
