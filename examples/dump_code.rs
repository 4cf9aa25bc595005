fn main() {
    let args: Vec<String> = std::env::args().collect();
    let engine = silo::Engine::default();
    let m = silo::Module::new(&engine, std::fs::read(&args[1]).unwrap()).unwrap();
    let name = &args[2];
    let idx = m.info().names.funcs.iter().find(|(_, n)| *n == name).map(|(i, _)| *i).expect("name");
    println!("{}", m.debug_interp_code(idx).unwrap());
}
