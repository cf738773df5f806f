//! sprig's key and certificate generators: `genPrivateKey` (RSA 4096, ECDSA
//! P-256, Ed25519), `genCA`, `genSelfSignedCert`, `genSignedCert` (RSA 2048
//! keys, like sprig), their `WithKey` forms (RSA, EC P-256 or Ed25519 keys in
//! PEM; RSA and EC keys can sign), and `buildCustomCert`. The certificates
//! carry what Go's `x509.CreateCertificate` writes for sprig's template: a
//! random 128-bit serial, CN subject, validity from now for `daysValid`
//! days, key usage, server+client auth, basic constraints, SANs.
//!
//! DSA keys (`genPrivateKey "dsa"`) are generated like Go's (L=2048,
//! N=256) but, as in Go, cannot sign certificates.

use std::str::FromStr as _;
use std::time::{Duration, SystemTime};

use krust_template::{FuncError, Type, Value};
use rand::rngs::OsRng;
use rand::RngCore as _;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::der::asn1::{Ia5String, OctetString};
use x509_cert::der::{Decode as _, Encode as _};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages, SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{EncodePublicKey as _, SubjectPublicKeyInfoOwned};
use x509_cert::time::{Time, Validity};
use x509_cert::Certificate;

use crate::conv::{arg, arg_int, arg_str, as_list, err, strval};
use crate::encoding::{b64_decode, b64_encode};
use crate::objects::{as_cert, CertObj};
use crate::Reg;

/// A private key sprig can hold.
enum Key {
    Rsa(Box<rsa::RsaPrivateKey>),
    Ec(p256::SecretKey),
    Ed(ed25519_dalek::SigningKey),
}

fn pem(kind: &str, der: &[u8]) -> String {
    let b = b64_encode(der);
    let mut out = format!("-----BEGIN {kind}-----\n");
    for chunk in b.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {kind}-----\n"));
    out
}

/// Go's `pem.Decode`: the first block's type and bytes.
fn pem_decode(text: &str) -> Option<(String, Vec<u8>)> {
    let start = text.find("-----BEGIN ")?;
    let rest = &text[start + 11..];
    let end_type = rest.find("-----")?;
    let kind = rest[..end_type].to_string();
    let body_start = rest[end_type + 5..].trim_start_matches(['\r', '\n']);
    let end_marker = format!("-----END {kind}-----");
    let end = body_start.find(&end_marker)?;
    let body: String = body_start[..end]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    Some((kind, b64_decode(&body).ok()?))
}

fn key_pem(key: &Key) -> Result<String, String> {
    use p256::pkcs8::EncodePrivateKey as _;
    use rsa::pkcs1::EncodeRsaPrivateKey as _;
    Ok(match key {
        Key::Rsa(k) => pem(
            "RSA PRIVATE KEY",
            k.to_pkcs1_der().map_err(|e| e.to_string())?.as_bytes(),
        ),
        Key::Ec(k) => pem(
            "EC PRIVATE KEY",
            &k.to_sec1_der().map_err(|e| e.to_string())?,
        ),
        Key::Ed(k) => pem(
            "PRIVATE KEY",
            k.to_pkcs8_der().map_err(|e| e.to_string())?.as_bytes(),
        ),
    })
}

/// sprig's `parsePrivateKeyPEM`, with its messages.
fn parse_key(text: &str) -> Result<Key, String> {
    use p256::pkcs8::DecodePrivateKey as _;
    use rsa::pkcs1::DecodeRsaPrivateKey as _;
    let (kind, der) = pem_decode(text).ok_or("no PEM data in input")?;
    if kind == "PRIVATE KEY" {
        if let Ok(k) = rsa::RsaPrivateKey::from_pkcs8_der(&der) {
            return Ok(Key::Rsa(Box::new(k)));
        }
        if let Ok(k) = p256::SecretKey::from_pkcs8_der(&der) {
            return Ok(Key::Ec(k));
        }
        if let Ok(k) = ed25519_dalek::SigningKey::from_pkcs8_der(&der) {
            return Ok(Key::Ed(k));
        }
        return Err("decoding PEM as PKCS#8: x509: failed to parse private key".into());
    }
    let Some(algo) = kind.strip_suffix(" PRIVATE KEY") else {
        return Err(format!("no private key data in PEM block of type {kind}"));
    };
    match algo {
        "RSA" => rsa::RsaPrivateKey::from_pkcs1_der(&der)
            .map(|k| Key::Rsa(Box::new(k)))
            .map_err(|e| format!("parsing RSA private key from PEM: {e}")),
        "EC" => p256::SecretKey::from_sec1_der(&der)
            .map(Key::Ec)
            .map_err(|e| format!("parsing EC private key from PEM: {e}")),
        _ => Err(format!("invalid private key type {kind}")),
    }
}

fn rsa_key(bits: usize) -> Result<Key, String> {
    rsa::RsaPrivateKey::new(&mut OsRng, bits)
        .map(|k| Key::Rsa(Box::new(k)))
        .map_err(|e| format!("error generating rsa key: {e}"))
}

fn spki(key: &Key) -> Result<SubjectPublicKeyInfoOwned, String> {
    let der = match key {
        Key::Rsa(k) => k.to_public_key().to_public_key_der(),
        Key::Ec(k) => k.public_key().to_public_key_der(),
        Key::Ed(k) => k.verifying_key().to_public_key_der(),
    }
    .map_err(|e| e.to_string())?;
    SubjectPublicKeyInfoOwned::from_der(der.as_bytes()).map_err(|e| e.to_string())
}

/// The certificate template sprig's `getBaseCertTemplate` builds.
struct Template {
    cn: String,
    ips: Vec<std::net::IpAddr>,
    dns: Vec<String>,
    days: i64,
    ca: bool,
}

fn subject(cn: &str) -> Result<Name, String> {
    if cn.is_empty() {
        return Ok(Name::default());
    }
    let mut esc = String::new();
    for (i, c) in cn.chars().enumerate() {
        if ",+\"\\<>;=".contains(c) || (i == 0 && (c == '#' || c == ' ')) {
            esc.push('\\');
        }
        esc.push(c);
    }
    if esc.ends_with(' ') {
        esc.insert(esc.len() - 1, '\\');
    }
    Name::from_str(&format!("CN={esc}")).map_err(|e| e.to_string())
}

fn build(t: &Template, key: &Key, parent: Option<(&Certificate, &Key)>) -> Result<String, String> {
    let mut serial = [0u8; 16];
    OsRng.fill_bytes(&mut serial);
    serial[0] &= 0x7f;
    let serial = SerialNumber::new(&serial).map_err(|e| e.to_string())?;
    let now = SystemTime::now();
    let span = Duration::from_secs(t.days.unsigned_abs().saturating_mul(86_400));
    let after = if t.days >= 0 {
        now + span
    } else {
        now.checked_sub(span).unwrap_or(now)
    };
    let validity = Validity {
        not_before: Time::try_from(now).map_err(|e| e.to_string())?,
        not_after: Time::try_from(after).map_err(|e| e.to_string())?,
    };
    let subject = subject(&t.cn)?;
    let issuer = parent.map(|(c, _)| c.tbs_certificate.subject.clone());
    let spki = spki(key)?;
    let signer = parent.map_or(key, |(_, k)| k);
    let profile = Profile::Manual { issuer };
    let fail = |e: x509_cert::builder::Error| format!("error creating certificate: {e}");
    macro_rules! sign {
        ($signer:expr, $sig:ty) => {{
            let mut b =
                CertificateBuilder::new(profile, serial, validity, subject, spki.clone(), $signer)
                    .map_err(fail)?;
            add_extensions(&mut b, t, &spki).map_err(fail)?;
            b.build::<$sig>().map_err(fail)?
        }};
    }
    let cert =
        match signer {
            Key::Rsa(k) => {
                let s = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new((**k).clone());
                sign!(&s, rsa::pkcs1v15::Signature)
            }
            Key::Ec(k) => {
                let s = p256::ecdsa::SigningKey::from(k);
                sign!(&s, p256::ecdsa::DerSignature)
            }
            Key::Ed(_) => return Err(
                "error creating certificate: x509: Ed25519 signing keys are not supported by krust"
                    .into(),
            ),
        };
    let der = cert.to_der().map_err(|e| e.to_string())?;
    Ok(pem("CERTIFICATE", &der))
}

fn add_extensions<S>(
    b: &mut CertificateBuilder<'_, S>,
    t: &Template,
    spki: &SubjectPublicKeyInfoOwned,
) -> Result<(), x509_cert::builder::Error>
where
    S: x509_cert::spki::DynSignatureAlgorithmIdentifier + signature::Keypair,
    S::VerifyingKey: x509_cert::spki::EncodePublicKey,
{
    let mut usage = KeyUsages::KeyEncipherment | KeyUsages::DigitalSignature;
    if t.ca {
        usage |= KeyUsages::KeyCertSign;
    }
    b.add_extension(&KeyUsage(usage))?;
    b.add_extension(&ExtendedKeyUsage(vec![
        x509_cert::der::oid::db::rfc5280::ID_KP_SERVER_AUTH,
        x509_cert::der::oid::db::rfc5280::ID_KP_CLIENT_AUTH,
    ]))?;
    b.add_extension(&BasicConstraints {
        ca: t.ca,
        path_len_constraint: None,
    })?;
    if t.ca {
        // Go adds a subject key id to CA certificates: SHA-1 of the key bits.
        use sha1::Digest as _;
        let id = sha1::Sha1::digest(spki.subject_public_key.raw_bytes());
        b.add_extension(&SubjectKeyIdentifier(OctetString::new(id.to_vec())?))?;
    }
    let mut names = Vec::new();
    for d in &t.dns {
        names.push(GeneralName::DnsName(Ia5String::new(d)?));
    }
    for ip in &t.ips {
        let bytes = match ip {
            std::net::IpAddr::V4(v) => v.octets().to_vec(),
            std::net::IpAddr::V6(v) => v.octets().to_vec(),
        };
        names.push(GeneralName::IpAddress(OctetString::new(bytes)?));
    }
    if !names.is_empty() {
        b.add_extension(&SubjectAltName(names))?;
    }
    Ok(())
}

/// sprig's `getNetIPs`/`getAlternateDNSStrs` over a `[]interface{}` argument.
fn strings_of(v: &Value, what: &str) -> Result<Vec<String>, String> {
    let Some(l) = as_list(v) else {
        return Ok(Vec::new());
    };
    l.items
        .iter()
        .map(|x| match x.as_str() {
            Some(s) => Ok(s.to_string()),
            None => Err(format!("{what}: {} is not a string", strval(x))),
        })
        .collect()
}

fn template(a: &[Value], ca: bool) -> Result<Template, String> {
    let ips = strings_of(arg(a, 1), "error parsing ip")?
        .into_iter()
        .map(|s| go_parse_ip(&s).ok_or_else(|| format!("error parsing ip: {s}")))
        .collect::<Result<Vec<_>, _>>()?;
    let dns = strings_of(arg(a, 2), "error processing alternate dns name")?;
    Ok(Template {
        cn: arg_str(a, 0).to_string(),
        ips,
        dns,
        days: arg_int(a, 3),
        ca,
    })
}

/// Go's `net.ParseIP` (dotted IPv4 or IPv6 text).
fn go_parse_ip(s: &str) -> Option<std::net::IpAddr> {
    s.parse().ok()
}

fn cert_value(cert: String, key: &Key) -> Result<Value, String> {
    Ok(Value::object(CertObj {
        cert,
        key: key_pem(key)?,
    }))
}

fn with_key(a: &[Value], i: usize) -> Result<Key, String> {
    parse_key(arg_str(a, i)).map_err(|e| format!("parsing private key: {e}"))
}

fn ca_cert(a: &[Value], key: Key) -> Result<Value, String> {
    let t = Template {
        cn: arg_str(a, 0).to_string(),
        ips: Vec::new(),
        dns: Vec::new(),
        days: arg_int(a, 1),
        ca: true,
    };
    let cert = build(&t, &key, None)?;
    cert_value(cert, &key)
}

/// The parts of `genSignedCert` that can fail before a key is needed, so
/// bad input fails without the (slow) RSA key generation; the errors are
/// the same ones sprig reports.
fn signed_inputs(a: &[Value]) -> Result<(Template, Certificate, Key), String> {
    let ca = as_cert(arg(a, 4)).ok_or("unable to decode certificate")?;
    let (_, der) = pem_decode(&ca.cert).ok_or("unable to decode certificate")?;
    let parent = Certificate::from_der(&der)
        .map_err(|e| format!("error parsing certificate: decodedSignerCert.Bytes: {e}"))?;
    let signer = parse_key(&ca.key).map_err(|e| format!("error parsing private key: {e}"))?;
    let t = template(a, false)?;
    Ok((t, parent, signer))
}

fn signed(inputs: (Template, Certificate, Key), key: Key) -> Result<Value, String> {
    let (t, parent, signer) = inputs;
    let cert = build(&t, &key, Some((&parent, &signer)))?;
    cert_value(cert, &key)
}

fn gen_private_key(kind: &str) -> String {
    let key = match kind {
        "" | "rsa" => rsa_key(4096),
        "ecdsa" => Ok(Key::Ec(p256::SecretKey::random(&mut OsRng))),
        "ed25519" => Ok(Key::Ed(ed25519_dalek::SigningKey::generate(&mut OsRng))),
        "dsa" => return dsa_key_pem(),
        _ => return format!("Unknown type {kind}"),
    };
    match key.and_then(|k| key_pem(&k)) {
        Ok(p) => p,
        Err(e) => format!("failed to generate private key: {e}"),
    }
}

/// DER of a SEQUENCE of non-negative INTEGERs (big-endian magnitudes).
fn der_int_seq(ints: &[Vec<u8>]) -> Vec<u8> {
    fn len(out: &mut Vec<u8>, n: usize) {
        if n < 0x80 {
            out.push(n as u8);
        } else {
            let b = n.to_be_bytes();
            let skip = b.iter().take_while(|&&x| x == 0).count();
            out.push(0x80 | (b.len() - skip) as u8);
            out.extend_from_slice(&b[skip..]);
        }
    }
    let mut body = Vec::new();
    for i in ints {
        let mut mag: &[u8] = i;
        while mag.len() > 1 && mag[0] == 0 {
            mag = &mag[1..];
        }
        let pad = mag.first().is_none_or(|&b| b & 0x80 != 0);
        body.push(0x02);
        len(&mut body, mag.len() + usize::from(pad));
        if pad {
            body.push(0);
        }
        body.extend_from_slice(mag);
    }
    let mut out = vec![0x30];
    len(&mut out, body.len());
    out.extend(body);
    out
}

/// sprig's DSA key: L=2048/N=256 parameters, PEM "DSA PRIVATE KEY" holding
/// Go's `DSAKeyFormat{Version, P, Q, G, Y, X}`.
fn dsa_key_pem() -> String {
    let c = dsa::Components::generate(&mut OsRng, dsa::KeySize::DSA_2048_256);
    let k = dsa::SigningKey::generate(&mut OsRng, c);
    let vk = k.verifying_key();
    let comp = vk.components();
    let der = der_int_seq(&[
        vec![0],
        comp.p().to_bytes_be(),
        comp.q().to_bytes_be(),
        comp.g().to_bytes_be(),
        vk.y().to_bytes_be(),
        k.x().to_bytes_be(),
    ]);
    pem("DSA PRIVATE KEY", &der)
}

fn build_custom(a: &[Value]) -> Result<Value, String> {
    let cert = b64_decode(arg_str(a, 0)).map_err(|_| "unable to decode base64 certificate")?;
    let key = b64_decode(arg_str(a, 1)).map_err(|_| "unable to decode base64 private key")?;
    let cert = String::from_utf8_lossy(&cert).into_owned();
    let key = String::from_utf8_lossy(&key).into_owned();
    let (_, der) = pem_decode(&cert).ok_or("unable to decode certificate")?;
    Certificate::from_der(&der)
        .map_err(|e| format!("error parsing certificate: decodedCert.Bytes: {e}"))?;
    parse_key(&key).map_err(|e| format!("error parsing private key: {e}"))?;
    Ok(Value::object(CertObj { cert, key }))
}

fn wrap(r: Result<Value, String>) -> Result<Value, FuncError> {
    r.map_err(err)
}

pub(crate) fn register(r: &mut Reg<'_>) {
    use Type::{Int, Interface, InterfaceSlice as L, String as S};
    const CERT: Type = Type::Host("sprig.certificate");
    r.f("genPrivateKey", &[S], |a| {
        Ok(Value::str(gen_private_key(arg_str(a, 0))))
    });
    r.f("buildCustomCert", &[S, S], |a| wrap(build_custom(a)));
    r.f("genCA", &[S, Int], |a| {
        wrap(rsa_key(2048).and_then(|k| ca_cert(a, k)))
    });
    r.f("genCAWithKey", &[S, Int, S], |a| {
        wrap(with_key(a, 2).and_then(|k| ca_cert(a, k)))
    });
    r.f("genSelfSignedCert", &[S, L, L, Int], |a| {
        wrap(template(a, false).and_then(|t| {
            let k = rsa_key(2048)?;
            let c = build(&t, &k, None)?;
            cert_value(c, &k)
        }))
    });
    r.f("genSelfSignedCertWithKey", &[S, L, L, Int, S], |a| {
        wrap(with_key(a, 4).and_then(|k| {
            let t = template(a, false)?;
            let c = build(&t, &k, None)?;
            cert_value(c, &k)
        }))
    });
    r.f("genSignedCert", &[S, L, L, Int, CERT], |a| {
        wrap(signed_inputs(a).and_then(|i| signed(i, rsa_key(2048)?)))
    });
    r.f("genSignedCertWithKey", &[S, L, L, Int, CERT, S], |a| {
        wrap(with_key(a, 5).and_then(|k| signed(signed_inputs(a)?, k)))
    });
    let _ = Interface;
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ec_key_round_trips_through_pem() {
        let p = gen_private_key("ecdsa");
        assert!(p.starts_with("-----BEGIN EC PRIVATE KEY-----\n"), "{p}");
        assert!(matches!(parse_key(&p), Ok(Key::Ec(_))));
        let e = gen_private_key("ed25519");
        assert!(matches!(parse_key(&e), Ok(Key::Ed(_))));
        assert_eq!(gen_private_key("nope"), "Unknown type nope");
        assert_eq!(
            der_int_seq(&[vec![0], vec![0x80], vec![0, 0, 5]]),
            vec![0x30, 10, 2, 1, 0, 2, 2, 0, 0x80, 2, 1, 5]
        );
    }

    #[test]
    fn ec_ca_signs_a_leaf() {
        let key = Key::Ec(p256::SecretKey::random(&mut OsRng));
        let t = Template {
            cn: "ca".into(),
            ips: vec![],
            dns: vec![],
            days: 1,
            ca: true,
        };
        let ca = build(&t, &key, None).unwrap();
        let (_, der) = pem_decode(&ca).unwrap();
        let parent = Certificate::from_der(&der).unwrap();
        let leaf_key = Key::Ec(p256::SecretKey::random(&mut OsRng));
        let lt = Template {
            cn: "svc".into(),
            ips: vec!["10.0.0.1".parse().unwrap()],
            dns: vec!["svc.ns".into()],
            days: 1,
            ca: false,
        };
        let leaf = build(&lt, &leaf_key, Some((&parent, &key))).unwrap();
        let (_, der) = pem_decode(&leaf).unwrap();
        let c = Certificate::from_der(&der).unwrap();
        assert_eq!(c.tbs_certificate.issuer, parent.tbs_certificate.subject);
    }
}
