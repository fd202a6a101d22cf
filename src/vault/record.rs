//! An encrypted record exactly as it rests in IndexedDB.
//!
//! `{ id, rev, nonce, ct }`: an opaque random id, the revision, and the AES-GCM
//! envelope. Nothing else: no client id, date or name is stored in the clear. The
//! same shape travels inside backups.

use serde::{Deserialize, Serialize};

use crate::crypto::Envelope;

/// A sealed record as stored. Not secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedRecord {
    /// Opaque random id (32 hex characters), the IndexedDB key.
    pub id: String,
    /// Revision, starting at 1 and bound into the AAD.
    pub rev: u64,
    /// Nonce and ciphertext.
    pub envelope: Envelope,
}

#[cfg(target_arch = "wasm32")]
mod js {
    use js_sys::{Object, Reflect, Uint8Array};
    use wasm_bindgen::{JsCast, JsValue};

    use super::SealedRecord;
    use crate::crypto::Envelope;

    impl SealedRecord {
        /// The stored JS object. Byte fields are `Uint8Array`s, which IndexedDB
        /// stores compactly (an array of numbers would be several times larger).
        pub fn to_js(&self) -> JsValue {
            let o = Object::new();
            // Setting a property on a fresh plain object cannot fail.
            let _ = Reflect::set(&o, &"id".into(), &JsValue::from_str(&self.id));
            let _ = Reflect::set(&o, &"rev".into(), &JsValue::from_f64(self.rev as f64));
            let _ = Reflect::set(
                &o,
                &"nonce".into(),
                &Uint8Array::from(&self.envelope.nonce[..]).into(),
            );
            let _ = Reflect::set(
                &o,
                &"ct".into(),
                &Uint8Array::from(&self.envelope.ciphertext[..]).into(),
            );
            o.into()
        }

        /// Reads a stored object; `None` if it does not have the stored shape.
        pub fn from_js(value: &JsValue) -> Option<SealedRecord> {
            let id = Reflect::get(value, &"id".into()).ok()?.as_string()?;
            let rev = Reflect::get(value, &"rev".into()).ok()?.as_f64()?;
            if !(rev >= 1.0 && rev.fract() == 0.0 && rev <= 9_007_199_254_740_991.0) {
                return None;
            }
            let nonce = Reflect::get(value, &"nonce".into())
                .ok()?
                .dyn_into::<Uint8Array>()
                .ok()?;
            let ct = Reflect::get(value, &"ct".into())
                .ok()?
                .dyn_into::<Uint8Array>()
                .ok()?;
            let nonce: [u8; 12] = nonce.to_vec().try_into().ok()?;
            Some(SealedRecord {
                id,
                rev: rev as u64,
                envelope: Envelope {
                    nonce,
                    ciphertext: ct.to_vec(),
                },
            })
        }
    }
}
