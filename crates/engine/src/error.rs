//! API errors as the API server returns them and kubectl prints them.

use kubelab_api::validate::{invalid_message, FieldError};

#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// `Error from server (NotFound): deployments.apps "web" not found`
    NotFound { resource: String, name: String },
    /// `Error from server (AlreadyExists): deployments.apps "web" already exists`
    AlreadyExists { resource: String, name: String },
    /// `The Deployment "web" is invalid: ...`
    Invalid { kind: String, name: String, errors: Vec<FieldError> },
    /// `Error from server (BadRequest): ...`
    BadRequest(String),
    /// `Error from server (Forbidden): ...`
    Forbidden(String),
    /// The API server could not reach a kubelet: `Error from server: Get "https://...`
    Unreachable(String),
}

impl ApiError {
    pub fn not_found(info: &kubelab_api::KindInfo, name: &str) -> ApiError {
        ApiError::NotFound { resource: info.qualified_resource(), name: name.into() }
    }

    /// The server's status message (what follows `Error from server (Reason): `).
    pub fn message(&self) -> String {
        match self {
            ApiError::NotFound { resource, name } => format!("{resource} \"{name}\" not found"),
            ApiError::AlreadyExists { resource, name } => format!("{resource} \"{name}\" already exists"),
            ApiError::Invalid { kind, name, errors } => invalid_message(kind, name, errors),
            ApiError::BadRequest(m) | ApiError::Forbidden(m) | ApiError::Unreachable(m) => m.clone(),
        }
    }

    /// Exactly what kubectl prints (without a trailing newline).
    pub fn kubectl_message(&self) -> String {
        match self {
            ApiError::NotFound { .. } => format!("Error from server (NotFound): {}", self.message()),
            ApiError::AlreadyExists { .. } => format!("Error from server (AlreadyExists): {}", self.message()),
            ApiError::Invalid { .. } => self.message(),
            ApiError::BadRequest(m) => format!("Error from server (BadRequest): {m}"),
            ApiError::Forbidden(m) => format!("Error from server (Forbidden): {m}"),
            ApiError::Unreachable(m) => format!("Error from server: {m}"),
        }
    }

    /// kubectl's wording when the object came from a file (`error when creating "f.yaml": ...`).
    pub fn kubectl_message_from(&self, verb: &str, source: &str) -> String {
        match self {
            ApiError::NotFound { .. } => {
                format!("Error from server (NotFound): error when {verb} \"{source}\": {}", self.message())
            }
            ApiError::AlreadyExists { .. } => {
                format!("Error from server (AlreadyExists): error when {verb} \"{source}\": {}", self.message())
            }
            ApiError::BadRequest(m) => format!("Error from server (BadRequest): error when {verb} \"{source}\": {m}"),
            ApiError::Forbidden(m) => format!("Error from server (Forbidden): error when {verb} \"{source}\": {m}"),
            ApiError::Unreachable(m) => format!("Error from server: error when {verb} \"{source}\": {m}"),
            // kubectl prints Invalid errors from their causes, without the source.
            ApiError::Invalid { .. } => self.message(),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.kubectl_message())
    }
}
