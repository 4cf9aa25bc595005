use silo_sandbox::Policy;

#[test]
fn probe() {
    for text in [
        "[limits]\nmemory = \"64MiB\"\nmax_memroy = 3\n",
        "frob = 1\n",
        "[[dir]]\nhost = \"a\"\nguset = \"b\"\n",
        "[[dir]]\nguest = \"b\"\n",
        "[limits]\nfuel = 0\n",
        "[limits]\nfuel = -1\n",
        "[limits]\nmemory = \"64M\"\n",
        "[limits]\ntimeout = \"5\"\n",
        "[limits]\ntimeout = 5\n",
        "[env]\nA = 1\n",
        "[env]\n\"A=B\" = \"1\"\n",
        "[env]\nA = \"1\"\ninherit = [\"A\"]\n",
        "[stdio]\nstdin = \"nul\"\n",
        "[stdio]\nstdin = { fiel = \"x\" }\n",
        "[stdio]\nstdin = 3\n",
        "[clocks]\nmode = \"fake\"\n",
        "[[dir]]\nhost = \"a\"\nguest = \"/x\"\n[[dir]]\nhost = \"b\"\nguest = \"x\"\n",
        "[[dir]]\nhost = \"../a\"\n",
        "limits = 3\n",
        "[limits\n",
        "[limits]\nmemory = \"2MiB\"\ntotal_memory = \"1MiB\"\n",
    ] {
        println!("{text:?}\n   => {}", Policy::from_toml_str(text).unwrap_err());
    }
}
