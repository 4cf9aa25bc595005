/* Reflection: the types of a module's imports and exports, and of an instance's exports. */

#include "common.h"

static void print_valtypes(const wasm_valtype_vec_t* types) {
  static const char* names[] = {"i32", "i64", "f32", "f64"};
  printf("(");
  for (size_t i = 0; i < types->size; i++) {
    wasm_valkind_t k = wasm_valtype_kind(types->data[i]);
    printf("%s%s", i ? " " : "",
           k <= WASM_F64 ? names[k] : k == WASM_FUNCREF ? "funcref" : "externref");
  }
  printf(")");
}

static void print_externtype(const wasm_externtype_t* type) {
  switch (wasm_externtype_kind(type)) {
    case WASM_EXTERN_FUNC: {
      const wasm_functype_t* f = wasm_externtype_as_functype_const(type);
      CHECK(f != NULL && wasm_externtype_as_globaltype_const(type) == NULL);
      printf("func ");
      print_valtypes(wasm_functype_params(f));
      printf(" -> ");
      print_valtypes(wasm_functype_results(f));
      break;
    }
    case WASM_EXTERN_GLOBAL: {
      const wasm_globaltype_t* g = wasm_externtype_as_globaltype_const(type);
      printf("global %s kind %d", wasm_globaltype_mutability(g) == WASM_VAR ? "var" : "const",
             wasm_valtype_kind(wasm_globaltype_content(g)));
      break;
    }
    case WASM_EXTERN_TABLE: {
      const wasm_tabletype_t* t = wasm_externtype_as_tabletype_const(type);
      const wasm_limits_t* l = wasm_tabletype_limits(t);
      printf("table %u..%u kind %d", (unsigned)l->min, (unsigned)l->max,
             wasm_valtype_kind(wasm_tabletype_element(t)));
      break;
    }
    case WASM_EXTERN_MEMORY: {
      const wasm_limits_t* l = wasm_memorytype_limits(wasm_externtype_as_memorytype_const(type));
      if (l->max == wasm_limits_max_default)
        printf("memory %u..", (unsigned)l->min);
      else
        printf("memory %u..%u", (unsigned)l->min, (unsigned)l->max);
      break;
    }
  }
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile(store,
      "(module"
      "  (import \"env\" \"f\" (func (param i32 f64) (result i64)))"
      "  (import \"env\" \"g\" (global (mut f32)))"
      "  (import \"env\" \"t\" (table 1 2 externref))"
      "  (import \"env\" \"m\" (memory 1))"
      "  (func (export \"func\") (param i32 i64) (result i32 f32) (i32.const 0) (f32.const 0))"
      "  (global (export \"global\") i64 (i64.const 0))"
      "  (table (export \"table\") 3 funcref)"
      "  (memory (export \"memory\") 1 4))");

  wasm_importtype_vec_t imports;
  wasm_module_imports(module, &imports);
  for (size_t i = 0; i < imports.size; i++) {
    const wasm_name_t* m = wasm_importtype_module(imports.data[i]);
    const wasm_name_t* n = wasm_importtype_name(imports.data[i]);
    printf("import %.*s.%.*s: ", (int)m->size, m->data, (int)n->size, n->data);
    print_externtype(wasm_importtype_type(imports.data[i]));
    printf("\n");
  }
  wasm_exporttype_vec_t exports;
  wasm_module_exports(module, &exports);
  for (size_t i = 0; i < exports.size; i++) {
    const wasm_name_t* n = wasm_exporttype_name(exports.data[i]);
    printf("export %.*s: ", (int)n->size, n->data);
    print_externtype(wasm_exporttype_type(exports.data[i]));
    printf("\n");
  }

  /* Copies of the vectors and types are deep. */
  wasm_exporttype_vec_t copy;
  wasm_exporttype_vec_copy(&copy, &exports);
  CHECK(copy.size == exports.size && copy.data[0] != exports.data[0]);
  wasm_exporttype_vec_delete(&exports);
  wasm_externtype_t* first = wasm_externtype_copy(wasm_exporttype_type(copy.data[0]));
  wasm_exporttype_vec_delete(&copy);
  CHECK(wasm_externtype_kind(first) == WASM_EXTERN_FUNC);
  wasm_externtype_delete(first);

  /* Made by hand. */
  wasm_name_t mod, name;
  wasm_name_new_from_string(&mod, "a");
  wasm_name_new_from_string(&name, "b");
  wasm_limits_t limits = {1, 2};
  wasm_memorytype_t* mt = wasm_memorytype_new(&limits);
  wasm_importtype_t* it = wasm_importtype_new(&mod, &name, wasm_memorytype_as_externtype(mt));
  printf("made %.*s.%.*s: ", (int)wasm_importtype_module(it)->size,
         wasm_importtype_module(it)->data, (int)wasm_importtype_name(it)->size,
         wasm_importtype_name(it)->data);
  print_externtype(wasm_importtype_type(it));
  printf("\n");
  wasm_importtype_delete(it);

  /* A function type made from parts, and a kind that names no type. */
  wasm_valtype_t* ps[2] = {wasm_valtype_new_i32(), wasm_valtype_new_f64()};
  wasm_valtype_t* rs[1] = {wasm_valtype_new_i64()};
  wasm_functype_t* ft = silo_wasm_functype_of(2, ps, 1, rs);
  CHECK(ft != NULL && wasm_functype_params(ft)->size == 2);
  CHECK(wasm_valtype_new(7) == NULL);
  wasm_functype_delete(ft);
  wasm_importtype_vec_delete(&imports);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
