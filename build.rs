//! The migrations are embedded in the binary (`db::connection`): a new or
//! changed migration has to rebuild it, which cargo does not know by itself.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
