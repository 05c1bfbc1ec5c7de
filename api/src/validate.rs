//! Request bodies and parameters: parsing and the field rules of the contract, reported the way
//! FastAPI/pydantic reports them (`loc`, `msg`, `type`). Pure functions, tested directly.

mod credentials;
mod entries;
mod fields;
mod limits;

pub use credentials::{Credentials, check_email, login_fields, normalize_email, registration};
pub use entries::{EntryPatch, ListQuery, NewEntry, entry_id, entry_patch, list_query, new_entry};
pub use fields::{
    StrRule, check_str, form_urlencoded_pairs, json_object, optional_str, required_str,
};
pub use limits::{
    EMAIL_MAX, FIELD_MAX, FIELD_MIN, LIMIT_DEFAULT, LIMIT_MAX, PASSWORD_MAX, PASSWORD_MIN,
};
