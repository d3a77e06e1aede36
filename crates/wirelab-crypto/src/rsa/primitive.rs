//! The RSA primitives of RFC 8017 §5 and the conversions between numbers and bytes (§4).
//!
//! Encryption and signature verification raise to the public exponent: `c = mᵉ mod n`.
//! Decryption and signing raise to the private exponent, which is as long as `n`. The Chinese
//! Remainder Theorem (RFC 8017 §5.1.2 step 2.b) does that work modulo `p` and modulo `q`
//! separately, with exponents half as long: two exponentiations of half size cost about a
//! quarter each (multiplication is quadratic, and there are half as many squarings), so CRT is
//! about 3–4 times faster. `scripts/bench-crypto.sh` measures it.

use super::{hex, show, Error, PrivateKey, PublicKey};
use crate::steps::Steps;
use num_bigint::BigUint;

/// How to compute `cᵈ mod n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decryption {
    /// With the Chinese Remainder Theorem: `cᵈᴾ mod p`, `cᵈᵠ mod q`, recombined (Garner).
    Crt,
    /// Straight `cᵈ mod n`, the textbook formula.
    Plain,
}

/// I2OSP (RFC 8017 §4.1): the integer `x` as exactly `length` big-endian bytes, or an error
/// when it does not fit ("integer too large").
pub fn i2osp(x: &BigUint, length: usize) -> Result<Vec<u8>, Error> {
    let bytes = x.to_bytes_be();
    let significant: &[u8] = if bytes == [0] { &[] } else { &bytes };
    if significant.len() > length {
        return Err(Error::OutOfRange("integer too large for I2OSP:"));
    }
    let mut out = vec![0u8; length - significant.len()];
    out.extend_from_slice(significant);
    Ok(out)
}

/// OS2IP (RFC 8017 §4.2): big-endian bytes as a non-negative integer.
pub fn os2ip(bytes: &[u8]) -> BigUint {
    BigUint::from_bytes_be(bytes)
}

/// RSAEP (§5.1.1) and RSAVP1 (§5.2.2): `mᵉ mod n`, for `m < n`.
pub fn public_op(key: &PublicKey, m: &BigUint) -> Result<BigUint, Error> {
    if m >= &key.n {
        return Err(Error::OutOfRange("the message representative"));
    }
    Ok(m.modpow(&key.e, &key.n))
}

/// RSADP (§5.1.2) and RSASP1 (§5.2.1): `cᵈ mod n`, for `c < n`, with or without CRT.
pub fn private_op(key: &PrivateKey, c: &BigUint, method: Decryption) -> Result<BigUint, Error> {
    private_op_inner(key, c, method, None)
}

/// What the private operation is for: it names the values as RFC 8017 does (RSADP §5.1.2 turns
/// `c` into `m`; RSASP1 §5.2.1 turns `m` into `s`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Decrypt,
    Sign,
}

impl Role {
    /// (input, output) names.
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Role::Decrypt => ("c", "m"),
            Role::Sign => ("m", "s"),
        }
    }
}

/// [`private_op`], recording each value.
pub fn private_op_steps(
    key: &PrivateKey,
    c: &BigUint,
    method: Decryption,
    role: Role,
    steps: &mut Steps,
) -> Result<BigUint, Error> {
    private_op_inner(key, c, method, Some((role, steps)))
}

fn private_op_inner(
    key: &PrivateKey,
    c: &BigUint,
    method: Decryption,
    steps: Option<(Role, &mut Steps)>,
) -> Result<BigUint, Error> {
    if c >= &key.n {
        return Err(Error::OutOfRange("the ciphertext representative"));
    }
    match method {
        Decryption::Plain => {
            let m = c.modpow(&key.d, &key.n);
            if let Some((role, steps)) = steps {
                let (input, output) = role.names();
                steps.push(
                    output,
                    format!("{input}ᵈ mod n"),
                    show(&m),
                    "the textbook formula: one exponentiation with a full-length exponent",
                );
            }
            Ok(m)
        }
        Decryption::Crt => {
            // RFC 8017 §5.1.2 step 2.b: m₁ = c^dP mod p, m₂ = c^dQ mod q,
            // h = (m₁ − m₂)·qInv mod p, m = m₂ + q·h.
            // Reducing c first makes each exponentiation work on half-length numbers only.
            let m1 = (c % &key.p).modpow(&key.dp, &key.p);
            let m2 = (c % &key.q).modpow(&key.dq, &key.q);
            // m₁ − m₂ may be negative: add a multiple of p first (m₂ < q < p).
            let m2_mod_p = &m2 % &key.p;
            let difference = (&m1 + &key.p - &m2_mod_p) % &key.p;
            let h = difference * &key.qinv % &key.p;
            let m = &m2 + &key.q * &h;
            if let Some((role, steps)) = steps {
                let (x, y) = role.names();
                steps.push(
                    format!("{y}₁"),
                    format!("{x}^dP mod p"),
                    show(&m1),
                    "the result modulo p, with an exponent half as long as d",
                );
                steps.push(
                    format!("{y}₂"),
                    format!("{x}^dQ mod q"),
                    show(&m2),
                    "the result modulo q",
                );
                steps.push(
                    "h",
                    format!("qInv·({y}₁ − {y}₂) mod p"),
                    show(&h),
                    format!("Garner's step: how many q's to add to {y}₂ to also be right modulo p"),
                );
                steps.push(
                    y,
                    format!("{y}₂ + q·h"),
                    show(&m),
                    format!(
                        "the unique {y} < n with {y} ≡ {y}₁ (mod p) and {y} ≡ {y}₂ (mod q): the CRT"
                    ),
                );
            }
            Ok(m)
        }
    }
}

/// The last steps of both signature schemes (RFC 8017 §8.2.1 steps 2–3, §8.1.1 steps 2–3):
/// m = OS2IP(EM), s = RSASP1(K, m) with CRT, S = I2OSP(s, k).
pub(crate) fn sign_encoded(
    key: &PrivateKey,
    encoded: &[u8],
    mut steps: Option<&mut Steps>,
) -> Result<Vec<u8>, Error> {
    let m = os2ip(encoded);
    let s = match steps.as_deref_mut() {
        Some(steps) => {
            steps.push(
                "m",
                "OS2IP(EM)",
                show(&m),
                "the encoded message as a number",
            );
            private_op_steps(key, &m, Decryption::Crt, Role::Sign, steps)?
        }
        None => private_op(key, &m, Decryption::Crt)?,
    };
    let signature = i2osp(&s, key.size())?;
    if let Some(steps) = steps {
        steps.push(
            "S",
            "I2OSP(s, k)",
            hex(&signature),
            "the signature: only the private key can make it",
        );
    }
    Ok(signature)
}

/// The first steps of both verifications (RFC 8017 §8.2.2 steps 1–2, §8.1.2 steps 1–2): the
/// signature has exactly k bytes, s = OS2IP(S) is below n, and m = RSAVP1(s) = sᵉ mod n, the
/// encoded message as a number.
pub(crate) fn open_signature(
    key: &PublicKey,
    signature: &[u8],
    steps: Option<&mut Steps>,
) -> Result<BigUint, Error> {
    let k = key.size();
    if signature.len() != k {
        return Err(Error::InvalidSignature(format!(
            "{} bytes, but a signature has k = {k} bytes",
            signature.len()
        )));
    }
    let s = os2ip(signature);
    let m = public_op(key, &s)
        .map_err(|_| Error::InvalidSignature("the signature is not below n".into()))?;
    if let Some(steps) = steps {
        steps.push("s", "OS2IP(S)", show(&s), "the signature as a number");
        steps.push(
            "m",
            "sᵉ mod n",
            show(&m),
            "RSAVP1: the public key undoes the private operation",
        );
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rsa::toy_key;

    #[test]
    fn i2osp_pads_on_the_left_and_refuses_numbers_too_long() {
        assert_eq!(i2osp(&BigUint::from(0x0102u32), 4), Ok(vec![0, 0, 1, 2]));
        assert_eq!(i2osp(&BigUint::from(0u32), 2), Ok(vec![0, 0]));
        assert_eq!(i2osp(&BigUint::from(0u32), 0), Ok(vec![]));
        assert!(i2osp(&BigUint::from(0x010203u32), 2).is_err());
        assert_eq!(os2ip(&[0, 0, 1, 2]), BigUint::from(0x0102u32));
    }

    #[test]
    fn toy_key_encrypts_65_to_2790_and_both_methods_decrypt_it() {
        let key = toy_key();
        let c = public_op(&key.public_key(), &BigUint::from(65u32)).unwrap();
        assert_eq!(c, BigUint::from(2790u32));
        for method in [Decryption::Crt, Decryption::Plain] {
            assert_eq!(private_op(&key, &c, method), Ok(BigUint::from(65u32)));
        }
    }

    #[test]
    fn crt_steps_show_the_two_half_results_for_the_toy_key() {
        let key = toy_key();
        let mut steps = Steps::new();
        let m = private_op_steps(
            &key,
            &BigUint::from(2790u32),
            Decryption::Crt,
            Role::Decrypt,
            &mut steps,
        );
        assert_eq!(m, Ok(BigUint::from(65u32)));
        // 65 mod 61 = 4, 65 mod 53 = 12, h = 38·(4 − 12) mod 61 = 1, m = 12 + 53·1 = 65.
        assert_eq!(steps.value("m₁"), Some("4"));
        assert_eq!(steps.value("m₂"), Some("12"));
        assert_eq!(steps.value("h"), Some("1"));
        assert_eq!(steps.value("m"), Some("65"));
    }

    #[test]
    fn representatives_not_below_n_are_refused() {
        let key = toy_key();
        let n = key.n.clone();
        assert!(public_op(&key.public_key(), &n).is_err());
        assert!(private_op(&key, &n, Decryption::Crt).is_err());
    }
}
