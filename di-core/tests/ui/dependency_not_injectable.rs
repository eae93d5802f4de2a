use di_core::Dependency;

fn plan<D: Dependency>() {}

fn main() {
    plan::<String>();
}
