//! Certificate generators (`genCA`, `genSelfSignedCert`, `genSignedCert`,
//! their `WithKey` forms, `buildCustomCert`) and `genPrivateKey`.

use krust_template::{Type, Value};

use crate::conv::err;
use crate::Reg;

pub(crate) fn register(r: &mut Reg<'_>) {
    for name in [
        "genPrivateKey",
        "buildCustomCert",
        "genCA",
        "genCAWithKey",
        "genSelfSignedCert",
        "genSelfSignedCertWithKey",
        "genSignedCert",
        "genSignedCertWithKey",
    ] {
        r.v(name, &[], Type::Interface, move |_| -> Result<Value, _> {
            Err(err(format!("{name}: not implemented in krust yet")))
        });
    }
}
