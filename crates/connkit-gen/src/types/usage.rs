//! Which operations need which models: the definitions each user (an entity group) reaches
//! from the types its operations use, through fields, members and aliases; and the cargo
//! feature gate of each model file that follows from it.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::ModelFeatures;
use super::ir::{Def, DefId, DefKind, Ty};

/// The users that reach each definition (same index as the definitions).
pub(crate) type Reach = Vec<BTreeSet<String>>;

/// For each definition, the users whose types lead to it.
pub(crate) fn reach(defs: &[Def], roots: &BTreeMap<String, BTreeSet<DefId>>) -> Reach {
    let mut reach: Reach = vec![BTreeSet::new(); defs.len()];
    for (user, ids) in roots {
        let mut stack: Vec<DefId> = ids.iter().copied().collect();
        while let Some(id) = stack.pop() {
            let Some(users) = reach.get_mut(id) else { continue };
            if !users.insert(user.clone()) {
                continue;
            }
            if let Some(def) = defs.get(id) {
                stack.extend(references(&def.kind));
            }
        }
    }
    reach
}

/// The definitions a definition's shape names.
fn references(kind: &DefKind) -> Vec<DefId> {
    let mut out = Vec::new();
    let mut add = |ty: &Ty| ty.named(&mut out);
    match kind {
        DefKind::Struct { fields, extra } => {
            fields.iter().for_each(|f| add(&f.ty));
            if let Some((_, ty)) = extra {
                add(ty);
            }
        }
        DefKind::Tagged { variants, .. } | DefKind::Untagged { variants } => {
            variants.iter().for_each(|v| add(&v.ty));
        }
        DefKind::Alias(ty) | DefKind::Newtype(ty) => add(ty),
        DefKind::StringEnum { .. } | DefKind::MixedEnum { .. } | DefKind::Pending => {}
    }
    out
}

/// The reach of every definition and the features that gate them.
#[derive(Debug, Clone)]
pub(crate) struct Gating {
    pub(crate) reach: Reach,
    pub(crate) features: ModelFeatures,
}

impl Gating {
    /// The features that compile a file holding `members`: `None` when it is always compiled.
    pub(crate) fn features_of(&self, members: &[DefId]) -> Option<BTreeSet<String>> {
        let users: BTreeSet<&String> =
            members.iter().filter_map(|id| self.reach.get(*id)).flatten().collect();
        if users.is_empty() {
            return Some(BTreeSet::from([self.features.unused.clone()]));
        }
        if self.features.per_user.is_empty() {
            return None;
        }
        let mut features = BTreeSet::new();
        for user in users {
            // A user without a feature of its own is always compiled.
            features.insert(self.features.per_user.get(user)?.clone());
        }
        let all: BTreeSet<&String> = self.features.per_user.values().collect();
        if features.iter().collect::<BTreeSet<_>>() == all {
            return None;
        }
        features.insert(self.features.unused.clone());
        Some(features)
    }

    /// Whether some definition is used by no operation.
    pub(crate) fn any_unused(&self) -> bool {
        self.reach.iter().any(BTreeSet::is_empty)
    }
}

/// `#[cfg(feature = "a")]` or `#[cfg(any(feature = "a", ...))]`; nothing for `None`.
pub(crate) fn cfg_attr(features: Option<&BTreeSet<String>>) -> TokenStream {
    match features {
        None => TokenStream::new(),
        Some(set) if set.len() == 1 => {
            let feature = set.iter().next().cloned().unwrap_or_default();
            quote!(#[cfg(feature = #feature)])
        }
        Some(set) => {
            let features = set.iter();
            quote!(#[cfg(any(#(feature = #features),*))])
        }
    }
}
