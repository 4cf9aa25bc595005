//! Structs and arrays from the host: types it defines, objects it allocates and hands to
//! WebAssembly (which sees them as its own types when they are the same), fields and elements it
//! reads and writes, typed host functions taking GC references, and clear errors for misuse.

use silo_core::*;

/// The module's `$pair` is the same type as the host's: iso-recursive types are equal when their
/// definitions are, so code casts host objects to it.
const MODULE: &str = r#"(module
  (type $pair (struct (field $n (mut i32)) (field $small (mut i8)) (field $any (mut anyref)) (field $x f64)))
  (type $bytes (array (mut i8)))
  (import "host" "describe" (func $describe (param anyref) (result i32)))
  ;; n + small + (x truncated), of a pair the host made.
  (func (export "sum") (param anyref) (result i32)
    (local $p (ref $pair))
    (local.set $p (ref.cast (ref $pair) (local.get 0)))
    (i32.add
      (i32.add (struct.get $pair $n (local.get $p)) (struct.get_u $pair $small (local.get $p)))
      (i32.trunc_f64_s (struct.get $pair $x (local.get $p)))))
  ;; The field holding a reference, as an i31's value.
  (func (export "inner") (param anyref) (result i32)
    (i31.get_s (ref.cast (ref i31) (struct.get $pair $any (ref.cast (ref $pair) (local.get 0))))))
  (func (export "bytes") (param i32) (result anyref)
    (array.new $bytes (i32.const 7) (local.get 0)))
  (func (export "byte") (param anyref i32) (result i32)
    (array.get_u $bytes (ref.cast (ref $bytes) (local.get 0)) (local.get 1)))
  (func (export "ask") (param anyref) (result i32) (call $describe (local.get 0))))"#;

fn pair_type(engine: &Engine) -> StructType {
    let field = |storage, mutable| FieldType { storage, mutable };
    StructType::new(
        engine,
        [
            field(StorageType::Val(ValType::I32), true),
            field(StorageType::I8, true),
            field(
                StorageType::Val(ValType::Ref(RefType { nullable: true, heap: HeapType::Any })),
                true,
            ),
            field(StorageType::Val(ValType::F64), false),
        ],
    )
    .unwrap()
}

fn setup() -> (Store<()>, Instance, StructType) {
    let engine = Engine::default();
    let module = Module::new(&engine, MODULE).unwrap();
    let mut store = Store::new(&engine, ());
    // A typed host function taking a GC reference: 1 for a struct, 2 for an array, 0 otherwise.
    let describe = Func::wrap(&mut store, |caller: Caller<'_, ()>, r: Option<AnyRef>| -> i32 {
        match r {
            Some(r) if r.as_struct(&caller).is_some() => 1,
            Some(r) if r.as_array(&caller).is_some() => 2,
            _ => 0,
        }
    });
    let instance = Instance::new(&mut store, &module, &[describe.into()]).unwrap();
    (store, instance, pair_type(&engine))
}

fn int(v: &Val) -> i64 {
    match v {
        Val::I32(x) => i64::from(*x),
        Val::I64(x) => *x,
        other => panic!("not an integer: {other:?}"),
    }
}

fn call(store: &mut Store<()>, instance: &Instance, name: &str, args: &[Val]) -> Val {
    let f = instance.get_func(&*store, name).unwrap();
    let mut out = [Val::I32(0)];
    f.call(&mut *store, args, &mut out).unwrap();
    out[0]
}

#[test]
fn host_structs_are_the_modules_own_type() {
    let (mut store, instance, pair) = setup();
    let seven = AnyRef::from_i31(&mut store, I31::new_i32(7).unwrap());
    let fields =
        [Val::I32(40), Val::I32(0x1ff), Val::AnyRef(Some(seven)), Val::F64(2.5f64.to_bits())];
    let p = StructRef::new(&mut store, &pair, &fields).unwrap();
    // The i8 field keeps the low 8 bits: 40 + 0xff + 2.
    let any = p.to_any(&store);
    assert_eq!(int(&call(&mut store, &instance, "sum", &[Val::AnyRef(Some(any))])), 297);
    assert_eq!(int(&call(&mut store, &instance, "inner", &[Val::AnyRef(Some(any))])), 7);
    assert_eq!(int(&p.field(&store, 1).unwrap()), 0xff);
    p.set_field(&mut store, 0, Val::I32(1)).unwrap();
    assert_eq!(int(&call(&mut store, &instance, "sum", &[Val::AnyRef(Some(any))])), 258);
    assert_eq!(int(&call(&mut store, &instance, "ask", &[Val::AnyRef(Some(any))])), 1);
}

#[test]
fn arrays_made_by_webassembly_are_read_and_written_by_the_host() {
    let (mut store, instance, _) = setup();
    let Val::AnyRef(Some(r)) = call(&mut store, &instance, "bytes", &[Val::I32(5)]) else {
        panic!("an array reference")
    };
    let arr = r.as_array(&store).expect("an array");
    assert!(r.as_struct(&store).is_none());
    assert_eq!(arr.len(&store).unwrap(), 5);
    assert_eq!(int(&arr.get(&store, 4).unwrap()), 7);
    arr.set(&mut store, 2, Val::I32(300)).unwrap();
    let args = [Val::AnyRef(Some(r)), Val::I32(2)];
    assert_eq!(int(&call(&mut store, &instance, "byte", &args)), 300 & 0xff);
    assert_eq!(int(&call(&mut store, &instance, "ask", &[Val::AnyRef(Some(r))])), 2);
    // And one the host makes.
    let engine = store.engine().clone();
    let bytes =
        ArrayType::new(&engine, FieldType { storage: StorageType::I8, mutable: true }).unwrap();
    let mine = ArrayRef::new(&mut store, &bytes, &Val::I32(9), 3).unwrap();
    let args = [Val::AnyRef(Some(mine.to_any(&store))), Val::I32(1)];
    assert_eq!(int(&call(&mut store, &instance, "byte", &args)), 9);
}

#[test]
fn host_objects_survive_collections() {
    let (mut store, instance, pair) = setup();
    let mut kept = Vec::new();
    for i in 0..2000 {
        let fields = [Val::I32(i), Val::I32(1), Val::AnyRef(None), Val::F64(0)];
        let p = StructRef::new(&mut store, &pair, &fields).unwrap();
        if i % 100 == 0 {
            kept.push((i, p));
        }
        if i % 500 == 0 {
            store.gc();
        }
    }
    store.gc();
    for (i, p) in kept {
        assert_eq!(int(&p.field(&store, 0).unwrap()), i64::from(i));
        let any = p.to_any(&store);
        assert_eq!(
            int(&call(&mut store, &instance, "sum", &[Val::AnyRef(Some(any))])),
            i64::from(i) + 1
        );
    }
}

#[test]
fn misuse_is_an_error_not_a_crash() {
    let (mut store, _, pair) = setup();
    let engine = store.engine().clone();
    let wrong = [Val::I64(1), Val::I32(0), Val::AnyRef(None), Val::F64(0)];
    assert!(StructRef::new(&mut store, &pair, &wrong).is_err());
    assert!(StructRef::new(&mut store, &pair, &[Val::I32(1)]).is_err());
    let ok = [Val::I32(1), Val::I32(0), Val::AnyRef(None), Val::F64(0)];
    let p = StructRef::new(&mut store, &pair, &ok).unwrap();
    assert!(p.field(&store, 4).is_err());
    let err = p.set_field(&mut store, 3, Val::F64(1)).unwrap_err();
    assert!(err.to_string().contains("immutable"), "{err}");
    assert!(p.set_field(&mut store, 0, Val::F32(0)).is_err());
    let nums = ArrayType::new(
        &engine,
        FieldType { storage: StorageType::Val(ValType::I64), mutable: false },
    )
    .unwrap();
    let a = ArrayRef::new(&mut store, &nums, &Val::I64(5), 2).unwrap();
    assert!(a.get(&store, 2).is_err());
    assert!(a.set(&mut store, 0, Val::I64(1)).is_err());
    let concrete = FieldType {
        storage: StorageType::Val(ValType::Ref(RefType {
            nullable: true,
            heap: HeapType::Concrete(0),
        })),
        mutable: true,
    };
    assert!(StructType::new(&engine, [concrete]).is_err());
}

#[test]
fn root_scopes_bound_the_handles_the_host_makes() {
    let mut config = Config::new();
    config.max_gc_heap(1 << 20);
    let engine = Engine::new(&config);
    let pair = pair_type(&engine);
    let mut store = Store::new(&engine, ());
    let fields = [Val::I32(1), Val::I32(2), Val::AnyRef(None), Val::F64(0)];
    // 200 000 objects of 40 bytes through a 1 MiB heap: each round's handles end with its scope.
    let mut last = None;
    for round in 0..1000 {
        let mut scope = RootScope::new(&mut store);
        for _ in 0..200 {
            let p = StructRef::new(&mut scope, &pair, &fields)
                .unwrap_or_else(|e| panic!("round {round}: {e}"));
            last = Some(p);
        }
        assert_eq!(int(&last.unwrap().field(&scope, 1).unwrap()), 2);
    }
    // A handle whose scope ended reads as nothing.
    assert!(last.unwrap().field(&store, 0).is_err());
    // Without scopes the same handles would all stay alive: the quota refuses soon.
    let refused = (0..200_000).any(|_| StructRef::new(&mut store, &pair, &fields).is_err());
    assert!(refused, "handles outside any scope keep their objects");
}

#[test]
fn i31_values_keep_31_bits() {
    assert_eq!(I31::new_u32(0x7fff_ffff).map(I31::get_u32), Some(0x7fff_ffff));
    assert_eq!(I31::new_u32(0x8000_0000), None);
    assert_eq!(I31::new_i32(-(1 << 30)).map(I31::get_i32), Some(-(1 << 30)));
    assert_eq!(I31::new_i32(1 << 30), None);
    assert_eq!(I31::new_i32(-1).map(I31::get_u32), Some(0x7fff_ffff));
    // Wrapping keeps the low 31 bits, as `ref.i31` does.
    assert_eq!(I31::wrapping_u32(0xffff_fffe).get_i32(), -2);
    assert_eq!(I31::wrapping_i32(1 << 30).get_i32(), -(1 << 30));
}

#[test]
fn eq_references_compare_as_ref_eq_does() {
    let (mut store, instance, pair) = setup();
    let five = EqRef::from_i31(&mut store, I31::new_i32(5).unwrap());
    let also_five = EqRef::from_i31(&mut store, I31::wrapping_u32(5));
    assert!(EqRef::ref_eq(&store, &five, &also_five));
    assert_eq!(five.as_i31(&store).map(I31::get_i32), Some(5));
    assert!(five.is_i31(&store) && !five.is_struct(&store) && !five.is_array(&store));

    let fields = [Val::I32(1), Val::I32(2), Val::AnyRef(None), Val::F64(0)];
    let p = StructRef::new(&mut store, &pair, &fields).unwrap();
    let q = StructRef::new(&mut store, &pair, &fields).unwrap();
    let (p_eq, q_eq) =
        (p.to_any(&store).as_eqref(&store).unwrap(), q.to_any(&store).as_eqref(&store).unwrap());
    // Same fields, other objects; the same object through two handles.
    assert!(!EqRef::ref_eq(&store, &p_eq, &q_eq));
    assert!(EqRef::ref_eq(&store, &p_eq, &p.to_any(&store).as_eqref(&store).unwrap()));
    assert!(
        p_eq.is_struct(&store) && p_eq.as_struct(&store).is_some() && p_eq.as_i31(&store).is_none()
    );

    let bytes = call(&mut store, &instance, "bytes", &[Val::I32(3)]);
    let Val::AnyRef(Some(bytes)) = bytes else { panic!("not an anyref: {bytes:?}") };
    let bytes_eq = bytes.as_eqref(&store).unwrap();
    assert!(bytes_eq.is_array(&store) && bytes_eq.as_array(&store).is_some());
    assert!(EqRef::ref_eq(&store, &bytes_eq.to_any(&store).as_eqref(&store).unwrap(), &bytes_eq));

    // A host value made internal is an anyref but not an eqref.
    let host = ExternRef::new(&mut store, 7u32).unwrap().to_any(&store);
    assert!(!host.is_eqref(&store) && host.as_eqref(&store).is_none() && !host.is_i31(&store));
    assert!(five.to_any(&store).is_i31(&store) && five.to_any(&store).is_eqref(&store));
}

#[test]
fn typed_functions_take_and_give_eq_references() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
          (type $box (struct (field i32)))
          (import "host" "kind" (func $kind (param eqref) (result i32)))
          (func (export "kinds") (result i32)
            (i32.add
              (i32.mul (call $kind (struct.new $box (i32.const 1))) (i32.const 100))
              (i32.add (i32.mul (call $kind (ref.i31 (i32.const 9))) (i32.const 10))
                       (call $kind (ref.null eq)))))
          (func (export "same") (param eqref eqref) (result i32)
            (ref.eq (local.get 0) (local.get 1)))
          (func (export "boxed") (result eqref) (struct.new $box (i32.const 7))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    // 1 for a struct, 2 for an i31, 0 for null.
    let kind = Func::wrap(&mut store, |caller: Caller<'_, ()>, r: Option<EqRef>| -> i32 {
        match r {
            Some(r) if r.is_struct(&caller) => 1,
            Some(r) if r.is_i31(&caller) => 2,
            _ => 0,
        }
    });
    let instance = Instance::new(&mut store, &module, &[kind.into()]).unwrap();
    let kinds = instance.get_typed_func::<(), i32>(&store, "kinds").unwrap();
    assert_eq!(kinds.call(&mut store, ()).unwrap(), 120);
    let same =
        instance.get_typed_func::<(Option<EqRef>, Option<EqRef>), i32>(&store, "same").unwrap();
    let boxed = instance.get_typed_func::<(), Option<EqRef>>(&store, "boxed").unwrap();
    let b = boxed.call(&mut store, ()).unwrap().unwrap();
    let other = boxed.call(&mut store, ()).unwrap();
    assert_eq!(same.call(&mut store, (Some(b), Some(b))).unwrap(), 1);
    assert_eq!(same.call(&mut store, (Some(b), other)).unwrap(), 0);
    let nine = EqRef::from_i31(&mut store, I31::wrapping_i32(9));
    let also_nine = EqRef::from_i31(&mut store, I31::wrapping_i32(9));
    assert_eq!(same.call(&mut store, (Some(nine), Some(also_nine))).unwrap(), 1);
    assert_eq!(same.call(&mut store, (None, None)).unwrap(), 1);
}
