//! sprig's random and crypto functions: goutils' crypto-random strings,
//! `randBytes`, `uuidv4`, `shuffle`, `bcrypt`/`htpasswd`, Master Password's
//! `derivePassword`, AES-256-CBC `encryptAES`/`decryptAES`, and the
//! certificate generators (see [`crate::certs`]). Outputs are random, so
//! tests check their shape.

use krust_template::{FuncError, Type, Value};
use rand::rngs::OsRng;
use rand::{Rng, RngCore};

use crate::conv::{arg_int, arg_str, err};
use crate::fns_strings::MAX_OUTPUT;
use crate::Reg;

use Type::{Int, String as S};

/// A uniform random integer in `0..n` (`n > 0`) from the OS generator.
pub(crate) fn rand_below(n: u64) -> u64 {
    OsRng.gen_range(0..n.max(1))
}

/// xstrings `Shuffle`: a Fisher-Yates shuffle of the runes.
pub(crate) fn shuffle(s: &str) -> String {
    let mut r: Vec<char> = s.chars().collect();
    for i in (1..r.len()).rev() {
        let j = rand_below(i as u64 + 1) as usize;
        r.swap(i, j);
    }
    r.into_iter().collect()
}

/// goutils `CryptoRandom` over ASCII: `count` runes of `start..end` that
/// pass the letters/numbers filter. A negative count is goutils' error,
/// which sprig turns into "".
fn crypto_random(
    count: i64,
    start: u8,
    end: u8,
    letters: bool,
    numbers: bool,
) -> Result<String, FuncError> {
    if count <= 0 {
        return Ok(String::new());
    }
    if count as u128 > MAX_OUTPUT as u128 {
        return Err(err(format!(
            "random string of {count} characters exceeds krust's limit of {MAX_OUTPUT}"
        )));
    }
    let mut out = String::with_capacity(count as usize);
    while (out.len() as i64) < count {
        let c = char::from(start + rand_below(u64::from(end - start)) as u8);
        if (letters && c.is_ascii_alphabetic())
            || (numbers && c.is_ascii_digit())
            || (!letters && !numbers)
        {
            out.push(c);
        }
    }
    Ok(out)
}

fn bcrypt_hash(input: &str) -> String {
    match bcrypt::hash_with_result(input, 10) {
        Ok(h) => h.format_for_version(bcrypt::Version::TwoA),
        Err(e) => format!("failed to encrypt string with bcrypt: {e}"),
    }
}

const SEED: &str = "com.lyndir.masterpassword";

fn templates(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "maximum" => &["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        "long" => &[
            "CvcvnoCvcvCvcv",
            "CvcvCvcvnoCvcv",
            "CvcvCvcvCvcvno",
            "CvccnoCvcvCvcv",
            "CvccCvcvnoCvcv",
            "CvccCvcvCvcvno",
            "CvcvnoCvccCvcv",
            "CvcvCvccnoCvcv",
            "CvcvCvccCvcvno",
            "CvcvnoCvcvCvcc",
            "CvcvCvcvnoCvcc",
            "CvcvCvcvCvccno",
            "CvccnoCvccCvcv",
            "CvccCvccnoCvcv",
            "CvccCvccCvcvno",
            "CvcvnoCvccCvcc",
            "CvcvCvccnoCvcc",
            "CvcvCvccCvccno",
            "CvccnoCvcvCvcc",
            "CvccCvcvnoCvcc",
            "CvccCvcvCvccno",
        ],
        "medium" => &["CvcnoCvc", "CvcCvcno"],
        "short" => &["Cvcn"],
        "basic" => &["aaanaaan", "aannaaan", "aaannaaa"],
        "pin" => &["nnnn"],
        _ => return None,
    })
}

fn template_chars(c: u8) -> &'static str {
    match c {
        b'V' => "AEIOU",
        b'C' => "BCDFGHJKLMNPQRSTVWXYZ",
        b'v' => "aeiou",
        b'c' => "bcdfghjklmnpqrstvwxyz",
        b'A' => "AEIOUBCDFGHJKLMNPQRSTVWXYZ",
        b'a' => "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
        b'n' => "0123456789",
        b'o' => "@&%?,=[]_:-+*$#!'^~;()/.",
        _ => "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
    }
}

/// sprig's `derivePassword` (the Master Password algorithm: scrypt key,
/// HMAC-SHA256 seed, template characters).
pub(crate) fn derive_password(
    counter: u32,
    kind: &str,
    password: &str,
    user: &str,
    site: &str,
) -> String {
    use hmac::Mac;
    let Some(tpls) = templates(kind) else {
        return format!("cannot find password template {kind}");
    };
    let mut salt = SEED.as_bytes().to_vec();
    salt.extend_from_slice(&(user.len() as u32).to_be_bytes());
    salt.extend_from_slice(user.as_bytes());
    let mut key = [0u8; 64];
    let params = match scrypt::Params::new(15, 8, 2, 64) {
        Ok(p) => p,
        Err(e) => return format!("failed to derive password: {e}"),
    };
    if let Err(e) = scrypt::scrypt(password.as_bytes(), &salt, &params, &mut key) {
        return format!("failed to derive password: {e}");
    }
    let mut msg = SEED.as_bytes().to_vec();
    msg.extend_from_slice(&(site.len() as u32).to_be_bytes());
    msg.extend_from_slice(site.as_bytes());
    msg.extend_from_slice(&counter.to_be_bytes());
    let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key) else {
        return "failed to derive password: hmac key".into();
    };
    mac.update(&msg);
    let seed = mac.finalize().into_bytes();
    let tpl = tpls[usize::from(seed[0]) % tpls.len()].as_bytes();
    tpl.iter()
        .enumerate()
        .map(|(i, &c)| {
            let chars = template_chars(c).as_bytes();
            char::from(chars[usize::from(seed[i + 1]) % chars.len()])
        })
        .collect()
}

fn aes_key(password: &str) -> [u8; 32] {
    let mut key = [0u8; 32];
    let p = password.as_bytes();
    let n = p.len().min(32);
    key[..n].copy_from_slice(&p[..n]);
    key
}

fn encrypt_aes(password: &str, plain: &str) -> String {
    use aes::cipher::{BlockEncryptMut, KeyIvInit};
    if plain.is_empty() {
        return String::new();
    }
    let mut iv = [0u8; 16];
    OsRng.fill_bytes(&mut iv);
    let enc = cbc::Encryptor::<aes::Aes256>::new(&aes_key(password).into(), &iv.into());
    let ct = enc.encrypt_padded_vec_mut::<aes::cipher::block_padding::Pkcs7>(plain.as_bytes());
    let mut out = iv.to_vec();
    out.extend_from_slice(&ct);
    crate::encoding::b64_encode(&out)
}

fn decrypt_aes(password: &str, crypt64: &str) -> Result<String, FuncError> {
    use aes::cipher::{BlockDecryptMut, KeyIvInit};
    if crypt64.is_empty() {
        return Ok(String::new());
    }
    let data = crate::encoding::b64_decode(crypt64).map_err(err)?;
    if data.len() < 16 {
        return Err(err(format!(
            "runtime error: slice bounds out of range [:16] with capacity {}",
            data.len()
        )));
    }
    let (iv, body) = data.split_at(16);
    if body.len() % 16 != 0 {
        return Err(err("crypto/cipher: input not full blocks"));
    }
    let mut buf = body.to_vec();
    let mut dec = cbc::Decryptor::<aes::Aes256>::new(&aes_key(password).into(), iv.into());
    for chunk in buf.chunks_mut(16) {
        dec.decrypt_block_mut(chunk.into());
    }
    // sprig strips as many bytes as the last one says, without checking.
    let Some(&last) = buf.last() else {
        return Err(err("runtime error: index out of range [-1]"));
    };
    let keep = buf.len().checked_sub(usize::from(last)).ok_or_else(|| {
        err(format!(
            "runtime error: slice bounds out of range [:{}]",
            buf.len() as i64 - i64::from(last)
        ))
    })?;
    buf.truncate(keep);
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

pub(crate) fn register(r: &mut Reg<'_>) {
    r.f("randAlphaNum", &[Int], |a| {
        Ok(Value::str(crypto_random(
            arg_int(a, 0),
            b' ',
            b'z' + 1,
            true,
            true,
        )?))
    });
    r.f("randAlpha", &[Int], |a| {
        Ok(Value::str(crypto_random(
            arg_int(a, 0),
            b' ',
            b'z' + 1,
            true,
            false,
        )?))
    });
    r.f("randNumeric", &[Int], |a| {
        Ok(Value::str(crypto_random(
            arg_int(a, 0),
            b' ',
            b'z' + 1,
            false,
            true,
        )?))
    });
    r.f("randAscii", &[Int], |a| {
        Ok(Value::str(crypto_random(
            arg_int(a, 0),
            32,
            127,
            false,
            false,
        )?))
    });
    r.f("randBytes", &[Int], |a| {
        let n = arg_int(a, 0);
        if n < 0 {
            return Err(err("runtime error: makeslice: len out of range"));
        }
        if n as u128 > MAX_OUTPUT as u128 {
            return Err(err(format!(
                "randBytes: {n} bytes exceed krust's limit of {MAX_OUTPUT}"
            )));
        }
        let mut buf = vec![0u8; n as usize];
        OsRng.fill_bytes(&mut buf);
        Ok(Value::str(crate::encoding::b64_encode(&buf)))
    });
    r.f("uuidv4", &[], |_| {
        Ok(Value::str(uuid::Uuid::new_v4().to_string()))
    });
    r.f("bcrypt", &[S], |a| {
        Ok(Value::str(bcrypt_hash(arg_str(a, 0))))
    });
    r.f("htpasswd", &[S, S], |a| {
        let user = arg_str(a, 0);
        if user.contains(':') {
            return Ok(Value::str(format!("invalid username: {user}")));
        }
        Ok(Value::str(format!("{user}:{}", bcrypt_hash(arg_str(a, 1)))))
    });
    r.f("derivePassword", &[Type::Int, S, S, S, S], |a| {
        let counter = arg_int(a, 0) as u32;
        Ok(Value::str(derive_password(
            counter,
            arg_str(a, 1),
            arg_str(a, 2),
            arg_str(a, 3),
            arg_str(a, 4),
        )))
    });
    r.f("encryptAES", &[S, S], |a| {
        Ok(Value::str(encrypt_aes(arg_str(a, 0), arg_str(a, 1))))
    });
    r.f("decryptAES", &[S, S], |a| {
        Ok(Value::str(decrypt_aes(arg_str(a, 0), arg_str(a, 1))?))
    });
    crate::certs::register(r);
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn random_shapes() {
        let s = crypto_random(40, b' ', b'z' + 1, true, true).unwrap();
        assert_eq!(s.len(), 40);
        assert!(s.bytes().all(|b| b.is_ascii_alphanumeric()));
        let n = crypto_random(10, b' ', b'z' + 1, false, true).unwrap();
        assert!(n.bytes().all(|b| b.is_ascii_digit()));
        let x = crypto_random(50, 32, 127, false, false).unwrap();
        assert!(x.bytes().all(|b| (32..127).contains(&b)));
        assert_eq!(crypto_random(-1, 32, 127, false, false).unwrap(), "");
        let mut sh: Vec<char> = shuffle("hello").chars().collect();
        sh.sort();
        assert_eq!(sh.into_iter().collect::<String>(), "ehllo");
    }

    #[test]
    fn aes_round_trip() {
        let c = encrypt_aes("secretkey", "plaintext");
        assert_eq!(decrypt_aes("secretkey", &c).unwrap(), "plaintext");
    }

    // sprig's crypto_test.go: derivePassword 1 "long" "password" "user" "example.com".
    #[test]
    fn derive_password_like_sprig() {
        assert_eq!(
            derive_password(1, "long", "password", "user", "example.com"),
            "ZedaFaxcZaso9*"
        );
    }

    #[test]
    fn bcrypt_shape() {
        let h = bcrypt_hash("x");
        assert!(h.starts_with("$2a$10$") && h.len() == 60, "{h}");
    }
}
