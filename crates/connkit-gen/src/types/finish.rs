//! Decisions over the whole space once every definition is known: recursive aliases become
//! newtypes, recursion gets a `Box` where a cycle needs one, large union members are boxed,
//! and which definitions can derive `Eq` and `Default`.

use super::ir::{Def, DefId, DefKind, Prim, Ty};

/// What the emitter needs to know per definition besides the definition itself.
#[derive(Debug, Clone, Default)]
pub(crate) struct Traits {
    /// Every field type is `Eq`.
    pub(crate) eq: Vec<bool>,
    /// Every field can be defaulted (structs and newtypes only).
    pub(crate) default: Vec<bool>,
}

/// Runs every whole-space decision on `defs` in place.
pub(crate) fn finish(defs: &mut [Def]) -> Traits {
    break_alias_cycles(defs);
    box_heavy_variants(defs);
    box_recursion(defs);
    Traits { eq: derivable(defs, Rule::Eq), default: derivable(defs, Rule::Default) }
}

/// Every definition referenced anywhere inside `ty`.
fn named_in(ty: &Ty, out: &mut Vec<DefId>) {
    match ty {
        Ty::Named(id) => out.push(*id),
        Ty::Vec(inner) | Ty::Map(inner) | Ty::Option(inner) => named_in(inner, out),
        Ty::Prim(_) | Ty::Json | Ty::JsonMap => {}
    }
}

/// Definitions held by value inside `ty` (not behind a `Vec` or map).
fn direct_in(ty: &Ty, out: &mut Vec<DefId>) {
    match ty {
        Ty::Named(id) => out.push(*id),
        Ty::Option(inner) => direct_in(inner, out),
        Ty::Vec(_) | Ty::Map(_) | Ty::Prim(_) | Ty::Json | Ty::JsonMap => {}
    }
}

/// `type A = Vec<A>;` does not compile: aliases that reach themselves through other aliases
/// become newtypes.
fn break_alias_cycles(defs: &mut [Def]) {
    let edges: Vec<Vec<DefId>> = defs
        .iter()
        .map(|def| match &def.kind {
            DefKind::Alias(ty) => {
                let mut out = Vec::new();
                named_in(ty, &mut out);
                out.retain(|id| matches!(defs[*id].kind, DefKind::Alias(_)));
                out
            }
            _ => Vec::new(),
        })
        .collect();
    for component in strongly_connected(&edges) {
        let cyclic = component.len() > 1 || edges[component[0]].contains(&component[0]);
        if !cyclic {
            continue;
        }
        for id in component {
            if let DefKind::Alias(ty) = &defs[id].kind {
                defs[id].kind = DefKind::Newtype(ty.clone());
            }
        }
    }
}

/// Whether values of this definition are large (structs and unions): union members of such
/// types are boxed so variants stay small.
fn is_heavy(defs: &[Def], id: DefId, depth: usize) -> bool {
    match &defs[id].kind {
        DefKind::Struct { .. } | DefKind::Tagged { .. } | DefKind::Untagged { .. } => true,
        DefKind::Alias(Ty::Named(target)) | DefKind::Newtype(Ty::Named(target)) if depth < 16 => {
            is_heavy(defs, *target, depth + 1)
        }
        _ => false,
    }
}

fn box_heavy_variants(defs: &mut [Def]) {
    for id in 0..defs.len() {
        let heavy: Vec<bool> = match &defs[id].kind {
            DefKind::Tagged { variants, .. } | DefKind::Untagged { variants } => variants
                .iter()
                .map(|v| matches!(v.ty, Ty::Named(t) if is_heavy(defs, t, 0)))
                .collect(),
            _ => continue,
        };
        if let DefKind::Tagged { variants, .. } | DefKind::Untagged { variants } =
            &mut defs[id].kind
        {
            for (variant, heavy) in variants.iter_mut().zip(heavy) {
                variant.boxed = heavy;
            }
        }
    }
}

/// The definitions a definition holds by value.
fn direct_edges(def: &Def) -> Vec<DefId> {
    let mut out = Vec::new();
    match &def.kind {
        DefKind::Struct { fields, extra } => {
            for field in fields.iter().filter(|f| !f.boxed) {
                direct_in(&field.ty, &mut out);
            }
            if let Some((_, ty)) = extra {
                direct_in(ty, &mut out);
            }
        }
        DefKind::Tagged { variants, .. } | DefKind::Untagged { variants } => {
            for variant in variants.iter().filter(|v| !v.boxed) {
                direct_in(&variant.ty, &mut out);
            }
        }
        DefKind::Alias(ty) | DefKind::Newtype(ty) => direct_in(ty, &mut out),
        DefKind::Pending | DefKind::StringEnum { .. } | DefKind::MixedEnum { .. } => {}
    }
    out
}

/// Boxes every field or member that holds a definition of its own cycle by value.
fn box_recursion(defs: &mut [Def]) {
    let edges: Vec<Vec<DefId>> = defs.iter().map(direct_edges).collect();
    let mut component_of = vec![usize::MAX; defs.len()];
    let components = strongly_connected(&edges);
    for (index, component) in components.iter().enumerate() {
        for id in component {
            component_of[*id] = index;
        }
    }
    for id in 0..defs.len() {
        let own = component_of[id];
        let cyclic = |ty: &Ty| {
            let mut targets = Vec::new();
            direct_in(ty, &mut targets);
            targets
                .iter()
                .any(|t| component_of[*t] == own && (components[own].len() > 1 || *t == id))
        };
        match &mut defs[id].kind {
            DefKind::Struct { fields, .. } => {
                for field in fields.iter_mut() {
                    if !field.boxed && cyclic(&field.ty) {
                        field.boxed = true;
                    }
                }
            }
            DefKind::Tagged { variants, .. } | DefKind::Untagged { variants } => {
                for variant in variants.iter_mut() {
                    if !variant.boxed && cyclic(&variant.ty) {
                        variant.boxed = true;
                    }
                }
            }
            _ => {}
        }
    }
}

/// Tarjan's strongly connected components, iteratively; components in a deterministic order.
fn strongly_connected(edges: &[Vec<DefId>]) -> Vec<Vec<DefId>> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<DefId> = Vec::new();
    let mut next = 0usize;
    let mut out = Vec::new();
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work: Vec<(DefId, usize)> = vec![(root, 0)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut edge)) = work.last_mut() {
            if let Some(&target) = edges[node].get(*edge) {
                *edge += 1;
                if index[target] == usize::MAX {
                    index[target] = next;
                    low[target] = next;
                    next += 1;
                    stack.push(target);
                    on_stack[target] = true;
                    work.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(index[target]);
                }
            } else {
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[node]);
                }
                if low[node] == index[node] {
                    let mut component = Vec::new();
                    while let Some(member) = stack.pop() {
                        on_stack[member] = false;
                        component.push(member);
                        if member == node {
                            break;
                        }
                    }
                    component.sort_unstable();
                    out.push(component);
                }
            }
        }
    }
    out
}

/// Which trait a derivability pass is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    Eq,
    Default,
}

/// A greatest fixed point: every definition starts derivable and loses it when something
/// it holds is not.
fn derivable(defs: &[Def], rule: Rule) -> Vec<bool> {
    let mut ok = vec![true; defs.len()];
    loop {
        let mut changed = false;
        for id in 0..defs.len() {
            if ok[id] && !def_ok(&defs[id], &ok, rule) {
                ok[id] = false;
                changed = true;
            }
        }
        if !changed {
            return ok;
        }
    }
}

fn def_ok(def: &Def, ok: &[bool], rule: Rule) -> bool {
    let holds = |ty: &Ty| ty_ok(ty, ok, rule);
    match rule {
        Rule::Eq => eq_kind(def, &holds),
        Rule::Default => default_kind(def, &holds),
    }
}

fn ty_ok(ty: &Ty, ok: &[bool], rule: Rule) -> bool {
    match ty {
        Ty::Prim(Prim::F64) => rule == Rule::Default,
        Ty::Prim(_) | Ty::Json | Ty::JsonMap => true,
        Ty::Named(id) => ok[*id],
        Ty::Vec(inner) | Ty::Map(inner) => rule == Rule::Default || ty_ok(inner, ok, rule),
        Ty::Option(inner) => rule == Rule::Default || ty_ok(inner, ok, rule),
    }
}

fn eq_kind(def: &Def, holds: &dyn Fn(&Ty) -> bool) -> bool {
    match &def.kind {
        DefKind::Struct { fields, extra } => {
            fields.iter().all(|f| holds(&f.ty)) && extra.as_ref().is_none_or(|(_, ty)| holds(ty))
        }
        DefKind::StringEnum { .. } | DefKind::MixedEnum { .. } | DefKind::Pending => true,
        DefKind::Tagged { variants, .. } | DefKind::Untagged { variants } => {
            variants.iter().all(|v| holds(&v.ty))
        }
        DefKind::Alias(ty) | DefKind::Newtype(ty) => holds(ty),
    }
}

fn default_kind(def: &Def, holds: &dyn Fn(&Ty) -> bool) -> bool {
    match &def.kind {
        DefKind::Struct { fields, .. } => {
            fields.iter().all(|f| !f.required || f.nullable || holds(&f.ty))
        }
        DefKind::Alias(ty) | DefKind::Newtype(ty) => holds(ty),
        _ => false,
    }
}
