//! The cryptography commands: `wirelab keygen`, `wirelab rsa` (rsa.rs) and `wirelab dh`,
//! `wirelab ecdh` (dh.rs).

mod dh;
mod files;
mod rsa;

pub use dh::{dh, ecdh, DhArgs, EcdhArgs};
pub use rsa::{keygen, rsa, KeygenArgs, RsaArgs};
