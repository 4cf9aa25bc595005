//! `SharedMemory` through the embedding API: one memory in several stores (the same bytes,
//! the same growth), on several threads; what a shared memory must be; `Memory::shared`.

use silo_core::{Config, Engine, Memory, MemoryType, SharedMemory, Store, Strategy};

fn engine() -> Engine {
    let mut config = Config::new();
    config.strategy(Strategy::Interpreter);
    Engine::new(&config)
}

#[test]
fn one_shared_memory_in_two_stores_is_one_memory() {
    let engine = engine();
    let shared = SharedMemory::new(&engine, MemoryType::shared(1, 4)).unwrap();
    let mut a = Store::new(&engine, ());
    let mut b = Store::new(&engine, ());
    let in_a = shared.to_memory(&mut a).unwrap();
    let in_b = shared.to_memory(&mut b).unwrap();
    assert_eq!(shared.to_memory(&mut a).unwrap(), in_a, "the same memory in the same store");

    in_a.write(&mut a, 100, b"hello").unwrap();
    let mut buf = [0u8; 5];
    in_b.read(&b, 100, &mut buf).unwrap();
    assert_eq!(&buf, b"hello");

    assert_eq!(in_b.grow(&mut b, 2).unwrap(), 1);
    assert_eq!((in_a.size(&a), shared.size(), shared.data_size()), (3, 3, 3 << 16));
    in_a.write(&mut a, (3 << 16) - 1, &[7]).unwrap();
    shared.read((3 << 16) - 1, &mut buf[..1]).unwrap();
    assert_eq!(buf[0], 7);
    assert!(in_a.grow(&mut a, 2).is_err(), "past the maximum");
    assert!(shared.write(3 << 16, &[1]).is_err(), "out of bounds");

    let back = in_b.shared(&b).expect("a shared memory");
    assert!(back.same(&shared));
    let plain = Memory::new(&mut a, MemoryType::new(1, None)).unwrap();
    assert!(plain.shared(&a).is_none());
}

#[test]
fn a_shared_memory_must_be_shared_and_bounded() {
    let engine = engine();
    let err = SharedMemory::new(&engine, MemoryType::new(1, Some(2))).unwrap_err();
    assert!(err.to_string().contains("shared memory type"), "{err}");
    let unbounded = MemoryType { maximum: None, ..MemoryType::shared(1, 1) };
    let err = SharedMemory::new(&engine, unbounded).unwrap_err();
    assert!(err.to_string().contains("maximum"), "{err}");
    // `Memory::new` of a shared type makes a shared memory.
    let mut store = Store::new(&engine, ());
    let m = Memory::new(&mut store, MemoryType::shared(1, 2)).unwrap();
    assert!(m.shared(&store).is_some());
}

#[test]
fn threads_grow_and_write_a_shared_memory_at_once() {
    let engine = engine();
    let shared = SharedMemory::new(&engine, MemoryType::shared(1, 64)).unwrap();
    let workers: Vec<_> = (0..4u8)
        .map(|t| {
            let (engine, shared) = (engine.clone(), shared.clone());
            std::thread::spawn(move || {
                let mut store = Store::new(&engine, ());
                let m = shared.to_memory(&mut store).unwrap();
                for _ in 0..8 {
                    m.grow(&mut store, 1).unwrap();
                }
                m.write(&mut store, t as usize * 8, &[t; 8]).unwrap();
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    assert_eq!(shared.size(), 33, "every growth happened once");
    let mut bytes = [0u8; 32];
    shared.read(0, &mut bytes).unwrap();
    for t in 0..4u8 {
        assert_eq!(&bytes[t as usize * 8..][..8], &[t; 8]);
    }
}
