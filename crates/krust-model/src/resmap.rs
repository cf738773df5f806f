//! An ordered collection of resources with an id index (kustomize `resmap.ResMap`).
//!
//! # The index
//! Lookups by id are hashed, never linear scans. The index is derived data: it is built on
//! the first lookup and kept up to date by every change made through the map.
//! [`ResMap::iter_mut`] (a transform touching every resource) drops it, and the next lookup
//! pays one rebuild. [`ResMap::get_mut`] only detaches the one resource it hands out: its
//! entries leave the index, and the next lookup or change puts them back under the
//! resource's new ids. So a loop of "look up, then change one resource" (n patches against
//! n resources) costs O(n) in all, not O(n²). [`ResMap::append`], [`ResMap::update`],
//! [`ResMap::set`] and [`ResMap::replace`] update an existing index in place.

use std::borrow::Borrow;
use std::hash::Hash;
use std::sync::{Mutex, OnceLock, PoisonError};

use krust_yaml::hash::FastHashMap as HashMap;
use krust_yaml::{Str, Value};

use crate::{Error, LegacyOrder, ResId, Resource};

/// The sorted positions one index key has. Nearly every key has one position, which is
/// kept inline: a `Vec` per key was four small allocations per resource.
#[derive(Clone, Debug)]
enum Slot {
    One([usize; 1]),
    Many(Vec<usize>),
}

impl Slot {
    fn as_slice(&self) -> &[usize] {
        match self {
            Slot::One(one) => one,
            Slot::Many(v) => v,
        }
    }
}

/// Positions of resources by id. Ids hash by kustomize's `Equals` (effective namespace).
#[derive(Clone, Debug, Default)]
struct Index {
    /// Current ids.
    cur: HashMap<ResId, Slot>,
    /// Current and previous ids (kustomize `GetMatchingResourcesByAnyId`). A resource is
    /// listed once per key even if several of its ids are equal.
    any: HashMap<ResId, Slot>,
    /// Names of current ids.
    cur_names: HashMap<Str, Slot>,
    /// Names of current and previous ids.
    any_names: HashMap<Str, Slot>,
    /// Names of previous ids only (kustomize's name-reference candidates).
    prev_names: HashMap<Str, Slot>,
}

impl Index {
    fn build(list: &[Resource]) -> Index {
        let mut index = Index::default();
        for (i, r) in list.iter().enumerate() {
            index.add(i, r);
        }
        index
    }

    /// Adds the resource at `i`; positions stay sorted in every slot.
    fn add(&mut self, i: usize, r: &Resource) {
        let cur = r.cur_id();
        insert_sorted(&mut self.cur, cur.clone(), i);
        insert_sorted(&mut self.cur_names, cur.name.clone(), i);
        for id in r.all_ids() {
            insert_sorted(&mut self.any, id.clone(), i);
            insert_sorted(&mut self.any_names, id.name.clone(), i);
        }
        for id in r.prev_ids() {
            insert_sorted(&mut self.prev_names, id.name.clone(), i);
        }
    }

    /// Removes the entries of the resource at `i` (as it is now).
    fn remove(&mut self, i: usize, r: &Resource) {
        let cur = r.cur_id();
        remove_from(&mut self.cur, cur, i);
        remove_from(&mut self.cur_names, &cur.name, i);
        for id in r.all_ids() {
            remove_from(&mut self.any, id, i);
            remove_from(&mut self.any_names, &id.name, i);
        }
        for id in r.prev_ids() {
            remove_from(&mut self.prev_names, &id.name, i);
        }
    }
}

/// Adds position `i` under `key`, keeping the key's positions sorted and distinct.
fn insert_sorted<K: Hash + Eq>(map: &mut HashMap<K, Slot>, key: K, i: usize) {
    use std::collections::hash_map::Entry;
    let slot = match map.entry(key) {
        Entry::Vacant(e) => {
            e.insert(Slot::One([i]));
            return;
        }
        Entry::Occupied(e) => e.into_mut(),
    };
    match slot {
        Slot::One([j]) if *j == i => {}
        Slot::One([j]) => {
            let j = *j;
            *slot = Slot::Many(if j < i { vec![j, i] } else { vec![i, j] });
        }
        // Appends are the common case: check the end first.
        Slot::Many(v) => match v.last() {
            Some(&last) if last < i => v.push(i),
            None => v.push(i),
            _ => {
                if let Err(at) = v.binary_search(&i) {
                    v.insert(at, i);
                }
            }
        },
    }
}

/// Removes position `i` from `key`'s, and the key when none is left.
fn remove_from<K, Q>(map: &mut HashMap<K, Slot>, key: &Q, i: usize)
where
    K: Borrow<Q> + Hash + Eq,
    Q: Hash + Eq + ?Sized,
{
    let Some(slot) = map.get_mut(key) else {
        return;
    };
    let empty = match slot {
        Slot::One([j]) => *j == i,
        Slot::Many(v) => {
            if let Ok(at) = v.binary_search(&i) {
                v.remove(at);
            }
            let (len, first) = (v.len(), v.first().copied());
            if let (1, Some(only)) = (len, first) {
                *slot = Slot::One([only]);
            }
            len == 0
        }
    };
    if empty {
        map.remove(key);
    }
}

/// Resources in load order plus an id index.
#[derive(Debug, Default)]
pub struct ResMap {
    list: Vec<Resource>,
    /// The index when it is exact for every resource.
    index: OnceLock<Index>,
    /// The index while [`ResMap::get_mut`] has one resource out: exact except that the
    /// resource at the position has no entries. Set only while `index` is empty; the next
    /// lookup (through `&self`, hence the lock) or change re-adds the resource.
    detached: Mutex<Option<(Index, usize)>>,
}

impl Clone for ResMap {
    fn clone(&self) -> Self {
        let detached = self
            .detached
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        ResMap {
            list: self.list.clone(),
            index: self.index.clone(),
            detached: Mutex::new(detached),
        }
    }
}

impl ResMap {
    /// An empty map.
    pub fn new() -> Self {
        ResMap::default()
    }

    /// A map of `resources`, failing on the first duplicate id.
    pub fn from_resources(resources: impl IntoIterator<Item = Resource>) -> Result<Self, Error> {
        let mut m = ResMap::new();
        m.append_all(resources)?;
        Ok(m)
    }

    fn index(&self) -> &Index {
        self.index.get_or_init(|| {
            let detached = self
                .detached
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take();
            match detached {
                Some((mut index, i)) => {
                    if let Some(r) = self.list.get(i) {
                        index.add(i, r);
                    }
                    index
                }
                None => Index::build(&self.list),
            }
        })
    }

    /// Puts a resource detached by [`ResMap::get_mut`] back into the index, so that
    /// `self.index` is exact again (or empty).
    fn settle(&mut self) {
        let detached = self
            .detached
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some((mut index, i)) = detached {
            if let Some(r) = self.list.get(i) {
                index.add(i, r);
            }
            self.index = OnceLock::from(index);
        }
    }

    fn invalidate(&mut self) {
        self.index = OnceLock::new();
        *self
            .detached
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner) = None;
    }

    /// The number of resources.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether there are no resources.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Removes every resource.
    pub fn clear(&mut self) {
        self.list.clear();
        self.invalidate();
    }

    /// The resources in order.
    pub fn resources(&self) -> &[Resource] {
        &self.list
    }

    /// The resources in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Resource> {
        self.list.iter()
    }

    /// Mutable iteration; the index is rebuilt on the next lookup.
    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, Resource> {
        self.invalidate();
        self.list.iter_mut()
    }

    /// The resource at position `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<&Resource> {
        self.list.get(i)
    }

    /// Mutable access to the resource at `i`. Its index entries are updated on the next
    /// lookup or change (O(its ids), not a rebuild).
    pub fn get_mut(&mut self, i: usize) -> Option<&mut Resource> {
        if i >= self.list.len() {
            return None;
        }
        self.settle();
        if let Some(mut index) = self.index.take() {
            if let Some(r) = self.list.get(i) {
                index.remove(i, r);
            }
            *self
                .detached
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner) = Some((index, i));
        }
        self.list.get_mut(i)
    }

    /// Runs `f` on the resource at `i` and updates the index for that resource only (cheaper
    /// than [`ResMap::get_mut`] when lookups and changes alternate).
    pub fn update<R>(&mut self, i: usize, f: impl FnOnce(&mut Resource) -> R) -> Option<R> {
        self.settle();
        let r = self.list.get_mut(i)?;
        match self.index.get_mut() {
            Some(index) => {
                index.remove(i, r);
                let out = f(r);
                index.add(i, r);
                Some(out)
            }
            None => Some(f(r)),
        }
    }

    /// The resources in order, without the index.
    pub fn into_resources(self) -> Vec<Resource> {
        self.list
    }

    /// The current ids in order (kustomize `AllIds`).
    pub fn all_ids(&self) -> impl Iterator<Item = &ResId> {
        self.list.iter().map(Resource::cur_id)
    }

    // ---- adding and removing ----------------------------------------------------------

    /// Appends `r`; fails if a resource with an equal current id is present (kustomize
    /// `Append`).
    pub fn append(&mut self, r: Resource) -> Result<(), Error> {
        let index = self.index();
        if index
            .cur
            .get(r.cur_id())
            .is_some_and(|v| !v.as_slice().is_empty())
        {
            return Err(Error::DuplicateId {
                id: r.cur_id().clone(),
            });
        }
        self.push_unchecked(r);
        Ok(())
    }

    /// Appends every resource, stopping at the first id conflict (kustomize `AppendAll`).
    pub fn append_all(
        &mut self,
        resources: impl IntoIterator<Item = Resource>,
    ) -> Result<(), Error> {
        let resources = resources.into_iter();
        // One allocation for a batch into an empty map (a file's resources), not a doubling
        // Vec with up to half its room unused.
        self.list.reserve(resources.size_hint().0);
        for r in resources {
            self.append(r)?;
        }
        Ok(())
    }

    /// Appends without the id check (kustomize's internal `append`; used where kustomize
    /// rebuilds a map from filtered resources).
    pub fn push_unchecked(&mut self, r: Resource) {
        self.settle();
        let i = self.list.len();
        if let Some(index) = self.index.get_mut() {
            index.add(i, &r);
        }
        self.list.push(r);
    }

    /// Puts `r` in place of the resource with the same current id and returns its
    /// position (kustomize `Replace`).
    pub fn replace(&mut self, r: Resource) -> Result<usize, Error> {
        let i = match self.index().cur.get(r.cur_id()).map(Slot::as_slice) {
            Some([i]) => *i,
            Some([]) | None => {
                return Err(Error::ReplaceNotFound {
                    id: r.cur_id().clone(),
                })
            }
            Some(_) => {
                return Err(Error::MultipleMatches {
                    which: "Current",
                    id: r.cur_id().clone(),
                })
            }
        };
        // The new resource has the same current id, but maybe other previous ids.
        self.set(i, r);
        Ok(i)
    }

    /// Puts `r` at position `i`, whatever its id.
    pub fn set(&mut self, i: usize, r: Resource) {
        self.update(i, |slot| *slot = r);
    }

    /// Removes the resource whose current id equals `id` (kustomize `Remove`).
    pub fn remove(&mut self, id: &ResId) -> Result<Resource, Error> {
        let i = match self.index().cur.get(id).map(Slot::as_slice) {
            Some([i]) => *i,
            _ => return Err(Error::RemoveNotFound { id: id.clone() }),
        };
        self.invalidate();
        Ok(self.list.remove(i))
    }

    /// Removes the resource at `i`.
    pub fn remove_at(&mut self, i: usize) -> Option<Resource> {
        if i < self.list.len() {
            self.invalidate();
            Some(self.list.remove(i))
        } else {
            None
        }
    }

    /// Keeps the resources for which `keep` is true, in order.
    pub fn retain(&mut self, keep: impl FnMut(&Resource) -> bool) {
        self.list.retain(keep);
        self.invalidate();
    }

    /// Drops resources that became empty (kustomize `DropEmpties`).
    pub fn drop_empties(&mut self) {
        self.retain(|r| !r.is_empty());
    }

    // ---- lookups ----------------------------------------------------------------------

    /// Positions of resources whose current id equals `id`, in order.
    pub fn positions_by_cur_id(&self, id: &ResId) -> &[usize] {
        self.index().cur.get(id).map(Slot::as_slice).unwrap_or(&[])
    }

    /// Positions of resources with any id (current or previous) equal to `id`, in order.
    pub fn positions_by_any_id(&self, id: &ResId) -> &[usize] {
        self.index().any.get(id).map(Slot::as_slice).unwrap_or(&[])
    }

    /// Positions of resources whose current name is `name`, in order.
    pub fn positions_by_cur_name(&self, name: &str) -> &[usize] {
        self.index()
            .cur_names
            .get(name)
            .map(Slot::as_slice)
            .unwrap_or(&[])
    }

    /// Positions of resources that have or had the name `name` (current or previous ids),
    /// in order: the candidates of a name reference.
    pub fn positions_by_any_name(&self, name: &str) -> &[usize] {
        self.index()
            .any_names
            .get(name)
            .map(Slot::as_slice)
            .unwrap_or(&[])
    }

    /// Positions of resources with a previous id named `name`, in order (kustomize's
    /// name-reference sieve `previousNameMatches` looks at previous ids only).
    pub fn positions_by_prev_name(&self, name: &str) -> &[usize] {
        self.index()
            .prev_names
            .get(name)
            .map(Slot::as_slice)
            .unwrap_or(&[])
    }

    /// Resources whose current id equals `id` (kustomize
    /// `GetMatchingResourcesByCurrentId(id.Equals)`).
    pub fn get_matching_by_cur_id(&self, id: &ResId) -> impl Iterator<Item = &Resource> {
        self.positions_by_cur_id(id)
            .iter()
            .filter_map(|&i| self.list.get(i))
    }

    /// Resources with a current or previous id equal to `id` (kustomize
    /// `GetMatchingResourcesByAnyId(id.Equals)`).
    pub fn get_matching_by_any_id(&self, id: &ResId) -> impl Iterator<Item = &Resource> {
        self.positions_by_any_id(id)
            .iter()
            .filter_map(|&i| self.list.get(i))
    }

    /// Resources whose original id equals `id`.
    pub fn get_matching_by_org_id<'a>(
        &'a self,
        id: &'a ResId,
    ) -> impl Iterator<Item = &'a Resource> {
        self.get_matching_by_any_id(id)
            .filter(move |r| r.org_id() == id)
    }

    /// Resources whose current id satisfies `pred` (for selector-style matching such as
    /// [`ResId::is_selected_by`]; this one scans).
    pub fn filter_by_cur_id<'a>(
        &'a self,
        mut pred: impl FnMut(&ResId) -> bool + 'a,
    ) -> impl Iterator<Item = &'a Resource> {
        self.list.iter().filter(move |r| pred(r.cur_id()))
    }

    /// Resources with a current or previous id satisfying `pred` (scans).
    pub fn filter_by_any_id<'a>(
        &'a self,
        mut pred: impl FnMut(&ResId) -> bool + 'a,
    ) -> impl Iterator<Item = &'a Resource> {
        self.list.iter().filter(move |r| r.all_ids().any(&mut pred))
    }

    /// The one resource whose current id equals `id` (kustomize `GetByCurrentId`).
    pub fn get_by_cur_id(&self, id: &ResId) -> Result<&Resource, Error> {
        self.one(self.positions_by_cur_id(id), "Current", id)
    }

    /// The one resource with any id equal to `id` (kustomize `GetById`, without its
    /// patch-specific message suffix).
    pub fn get_by_any_id(&self, id: &ResId) -> Result<&Resource, Error> {
        self.one(self.positions_by_any_id(id), "Id", id)
    }

    /// The position of the resource whose current id equals `id`, `None` if absent
    /// (kustomize `GetIndexOfCurrentId`).
    pub fn index_of_cur_id(&self, id: &ResId) -> Result<Option<usize>, Error> {
        match self.positions_by_cur_id(id) {
            [] => Ok(None),
            [i] => Ok(Some(*i)),
            _ => Err(Error::MultipleMatches {
                which: "Current",
                id: id.clone(),
            }),
        }
    }

    fn one(
        &self,
        positions: &[usize],
        which: &'static str,
        id: &ResId,
    ) -> Result<&Resource, Error> {
        match positions {
            [i] => self.list.get(*i).ok_or_else(|| Error::NoMatch {
                which,
                id: id.clone(),
            }),
            [] => Err(Error::NoMatch {
                which,
                id: id.clone(),
            }),
            _ => Err(Error::MultipleMatches {
                which,
                id: id.clone(),
            }),
        }
    }

    // ---- order and output -------------------------------------------------------------

    /// Sorts by kustomize's legacy order (`SortOrderTransformer` with `order: legacy`):
    /// kinds by `order` rank, then group/version/kind text, then `Gvk/namespace/name`
    /// text. Namespaces in the core group sort after other `Namespace` kinds, as in
    /// kustomize.
    pub fn sort_legacy(&mut self, order: &LegacyOrder) {
        struct Key {
            rank: i64,
            gvk: String,
            id: String,
            namespace_kind: bool,
            no_group: bool,
        }
        let keys: Vec<Key> = self
            .list
            .iter()
            .map(|r| {
                let id = r.cur_id();
                let ns = if id.namespace.is_empty() {
                    "~X"
                } else {
                    &id.namespace
                };
                let nm = if id.name.is_empty() { "~N" } else { &id.name };
                Key {
                    rank: order.rank(id.gvk.kind()),
                    gvk: id.gvk.stable_sort_string(),
                    id: format!("{}|{ns}|{nm}", id.gvk),
                    namespace_kind: id.gvk.kind() == "Namespace",
                    no_group: id.gvk.group().is_empty(),
                }
            })
            .collect();
        let mut perm: Vec<usize> = (0..self.list.len()).collect();
        perm.sort_by(|&a, &b| {
            let (ka, kb) = (&keys[a], &keys[b]);
            if ka.gvk != kb.gvk {
                if ka.rank != kb.rank {
                    return ka.rank.cmp(&kb.rank);
                }
                if ka.namespace_kind && kb.namespace_kind && (ka.no_group || kb.no_group) {
                    return kb.gvk.cmp(&ka.gvk);
                }
                return ka.gvk.cmp(&kb.gvk);
            }
            ka.id.cmp(&kb.id)
        });
        let mut old: Vec<Option<Resource>> = std::mem::take(&mut self.list)
            .into_iter()
            .map(Some)
            .collect();
        self.list = perm
            .into_iter()
            .filter_map(|i| old.get_mut(i).and_then(Option::take))
            .collect();
        self.invalidate();
    }

    /// The objects in order.
    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.list.iter().map(Resource::value)
    }

    /// Prints every resource as kustomize does (`AsYaml`): documents separated by `---`.
    pub fn to_yaml(&self) -> Result<String, Error> {
        let mut out = String::with_capacity(512 * self.list.len());
        self.write_yaml(&mut out)?;
        Ok(out)
    }

    /// Appends [`ResMap::to_yaml`]'s text to `out` (one buffer for a whole build). On error,
    /// `out` keeps the documents before the failing one.
    pub fn write_yaml(&self, out: &mut String) -> Result<(), Error> {
        for (i, r) in self.list.iter().enumerate() {
            if i > 0 {
                out.push_str("---\n");
            }
            krust_yaml::write_yaml(out, r.value()).map_err(|e| Error::Print {
                id: r.cur_id().clone(),
                source: Box::new(print_error_in_file(r, e)),
            })?;
        }
        Ok(())
    }
}

/// Names the file a resource came from (its origin; for a generated one, the file that
/// configured the generator) in a printing error, beside the line the error points at.
fn print_error_in_file(r: &Resource, e: krust_yaml::Error) -> krust_yaml::Error {
    let Some(origin) = r.origin() else {
        return e;
    };
    let file = origin
        .configured_in
        .as_deref()
        .unwrap_or(&origin.path)
        .to_string();
    match e {
        krust_yaml::Error::Print { mark, message } if mark.line > 0 => krust_yaml::Error::Invalid {
            file,
            mark,
            message,
        },
        krust_yaml::Error::Print { mark, message } => krust_yaml::Error::Print {
            mark,
            message: format!("{message} (in a resource from {file})"),
        },
        e => e,
    }
}

impl<'a> IntoIterator for &'a ResMap {
    type Item = &'a Resource;
    type IntoIter = std::slice::Iter<'a, Resource>;
    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}

impl IntoIterator for ResMap {
    type Item = Resource;
    type IntoIter = std::vec::IntoIter<Resource>;
    fn into_iter(self) -> Self::IntoIter {
        self.list.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::obj;
    use crate::Gvk;

    fn res(api: &str, kind: &str, name: &str, ns: &str) -> Resource {
        Resource::new(obj(api, kind, name, ns))
    }

    fn id(api: &str, kind: &str, name: &str, ns: &str) -> ResId {
        ResId::new(Gvk::from_api_version(api, kind), name, ns)
    }

    fn names(m: &ResMap) -> Vec<String> {
        m.iter()
            .map(|r| format!("{}/{}", r.kind(), r.name()))
            .collect()
    }

    #[test]
    fn append_rejects_equal_ids() {
        let mut m = ResMap::new();
        m.append(res("v1", "ConfigMap", "cm", "")).unwrap();
        let err = m
            .append(res("v1", "ConfigMap", "cm", "default"))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "may not add resource with an already registered id: ConfigMap.v1.[noGrp]/cm.default"
        );
        m.append(res("v1", "ConfigMap", "cm", "other")).unwrap();
        m.append(res("v1", "Secret", "cm", "")).unwrap();
        assert_eq!(m.len(), 3);
    }

    #[test]
    fn lookups_by_current_and_previous_ids() {
        let mut m = ResMap::new();
        m.append(res("v1", "ConfigMap", "cm", "")).unwrap();
        m.append(res("apps/v1", "Deployment", "web", "")).unwrap();
        assert!(m
            .get_by_cur_id(&id("v1", "ConfigMap", "cm", "default"))
            .is_ok());
        // Rename through the map: the index follows.
        m.update(0, |r| {
            r.store_previous_id();
            r.set_name("p-cm");
        });
        let old = id("v1", "ConfigMap", "cm", "");
        let new = id("v1", "ConfigMap", "p-cm", "");
        assert!(m.get_by_cur_id(&old).is_err());
        assert_eq!(m.get_by_cur_id(&new).unwrap().name(), "p-cm");
        assert_eq!(m.get_by_any_id(&old).unwrap().name(), "p-cm");
        assert_eq!(m.get_matching_by_org_id(&old).count(), 1);
        assert_eq!(
            m.get_by_cur_id(&id("v1", "ConfigMap", "nope", ""))
                .unwrap_err()
                .to_string(),
            "no matches for Current ConfigMap.v1.[noGrp]/nope.[noNs]"
        );
        let mut n = 0;
        for r in m.iter_mut() {
            r.set_namespace("ns");
            n += 1;
        }
        assert_eq!(n, 2);
        assert!(m
            .get_by_cur_id(&id("apps/v1", "Deployment", "web", "ns"))
            .is_ok());
        assert_eq!(
            m.filter_by_cur_id(|i| i.is_selected_by(&ResId::new(
                Gvk::from_kind("Deployment"),
                "",
                ""
            )))
            .count(),
            1
        );
    }

    #[test]
    fn any_id_lookup_reports_multiple_matches() {
        let mut m = ResMap::new();
        let mut a = res("v1", "ConfigMap", "x", "");
        a.store_previous_id();
        a.set_name("a");
        m.append(a).unwrap();
        m.append(res("v1", "ConfigMap", "x", "")).unwrap();
        let err = m
            .get_by_any_id(&id("v1", "ConfigMap", "x", ""))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "multiple matches for Id ConfigMap.v1.[noGrp]/x.[noNs]"
        );
    }

    #[test]
    fn replace_remove_retain() {
        let mut m = ResMap::new();
        m.append_all([
            res("v1", "ConfigMap", "a", ""),
            res("v1", "ConfigMap", "b", ""),
            res("v1", "ConfigMap", "c", ""),
        ])
        .unwrap();
        let mut b2 = res("v1", "ConfigMap", "b", "");
        b2.set_label("new", "yes");
        assert_eq!(m.replace(b2).unwrap(), 1);
        assert_eq!(
            m.get(1).and_then(|r| r.label("new")).as_deref(),
            Some("yes")
        );
        assert_eq!(
            m.replace(res("v1", "ConfigMap", "z", ""))
                .unwrap_err()
                .to_string(),
            "cannot find resource with id ConfigMap.v1.[noGrp]/z.[noNs] to replace"
        );
        m.remove(&id("v1", "ConfigMap", "a", "")).unwrap();
        assert_eq!(names(&m), ["ConfigMap/b", "ConfigMap/c"]);
        assert_eq!(
            m.remove(&id("v1", "ConfigMap", "a", ""))
                .unwrap_err()
                .to_string(),
            "id ConfigMap.v1.[noGrp]/a.[noNs] not found in removal"
        );
        m.retain(|r| r.name() != "b");
        assert_eq!(names(&m), ["ConfigMap/c"]);
        assert!(m.get_by_cur_id(&id("v1", "ConfigMap", "c", "")).is_ok());
        m.append(res("v1", "ConfigMap", "b", "")).unwrap();
        assert_eq!(
            m.index_of_cur_id(&id("v1", "ConfigMap", "b", "")).unwrap(),
            Some(1)
        );
    }

    #[test]
    fn prints_documents_separated_by_dashes() {
        // Same shape as kubectl's output for two ConfigMaps (see the List expansion checks).
        let m = ResMap::from_resources([
            res("v1", "ConfigMap", "c", ""),
            res("v1", "ConfigMap", "b", "ns"),
        ])
        .unwrap();
        assert_eq!(
            m.to_yaml().unwrap(),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: ns\n"
        );
        assert_eq!(ResMap::new().to_yaml().unwrap(), "");
    }

    #[test]
    fn legacy_sort() {
        let mut m = ResMap::new();
        m.append_all([
            res("apps/v1", "Deployment", "b", ""),
            res(
                "admissionregistration.k8s.io/v1",
                "ValidatingWebhookConfiguration",
                "v",
                "",
            ),
            res("example.com/v1", "Widget", "w", ""),
            res("apps/v1", "Deployment", "a", ""),
            res("v1", "Service", "s", ""),
            res("v1", "ConfigMap", "c", "z"),
            res("v1", "ConfigMap", "c", "a"),
            res("v1", "Namespace", "ns", ""),
            res("example.com/v1", "Namespace", "custom", ""),
            res("v1", "Pod", "p", ""),
        ])
        .unwrap();
        m.sort_legacy(&LegacyOrder::default());
        // Order checked against `kubectl kustomize` (v5.5, legacy order) on the same objects.
        assert_eq!(
            names(&m),
            [
                "Namespace/ns",
                "Namespace/custom",
                "ConfigMap/c",
                "ConfigMap/c",
                "Service/s",
                "Deployment/a",
                "Deployment/b",
                "Widget/w",
                "Pod/p",
                "ValidatingWebhookConfiguration/v",
            ]
        );
        assert_eq!(m.get(2).map(Resource::namespace), Some("a"));
        assert!(m.get_by_cur_id(&id("v1", "Pod", "p", "")).is_ok());
    }
}

#[cfg(test)]
mod index_laws {
    //! The index must always agree with a linear scan, whatever sequence of operations
    //! built the map.
    use super::*;
    use crate::testutil::obj;
    use crate::Gvk;
    use proptest::prelude::*;

    const KINDS: [(&str, &str); 3] = [
        ("v1", "ConfigMap"),
        ("rbac.authorization.k8s.io/v1", "ClusterRole"),
        ("apps/v1", "Deployment"),
    ];
    const NAMES: [&str; 3] = ["a", "b", "c"];
    const NSS: [&str; 3] = ["", "default", "prod"];

    #[derive(Debug, Clone)]
    enum Op {
        Append(usize, usize, usize),
        RenameByUpdate(usize, usize),
        MoveNsByGetMut(usize, usize),
        RenameByGetMut(usize, usize),
        /// Two resources changed through `get_mut` with no lookup between.
        TwoGetMuts(usize, usize, usize),
        Remove(usize, usize, usize),
        RetainNot(usize),
        Sort,
        Set(usize, usize, usize, usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0..3usize, 0..3usize, 0..3usize).prop_map(|(k, n, s)| Op::Append(k, n, s)),
            (0..8usize, 0..3usize).prop_map(|(i, n)| Op::RenameByUpdate(i, n)),
            (0..8usize, 0..3usize).prop_map(|(i, s)| Op::MoveNsByGetMut(i, s)),
            (0..8usize, 0..3usize).prop_map(|(i, n)| Op::RenameByGetMut(i, n)),
            (0..8usize, 0..8usize, 0..3usize).prop_map(|(i, j, n)| Op::TwoGetMuts(i, j, n)),
            (0..3usize, 0..3usize, 0..3usize).prop_map(|(k, n, s)| Op::Remove(k, n, s)),
            (0..3usize).prop_map(Op::RetainNot),
            Just(Op::Sort),
            (0..8usize, 0..3usize, 0..3usize, 0..3usize)
                .prop_map(|(i, k, n, s)| Op::Set(i, k, n, s)),
        ]
    }

    fn id(k: usize, n: usize, s: usize) -> ResId {
        ResId::new(
            Gvk::from_api_version(KINDS[k].0, KINDS[k].1),
            NAMES[n],
            NSS[s],
        )
    }

    fn res(k: usize, n: usize, s: usize) -> Resource {
        Resource::new(obj(KINDS[k].0, KINDS[k].1, NAMES[n], NSS[s]))
    }

    fn check(m: &ResMap) {
        for name in NAMES {
            let cur_n: Vec<usize> = m
                .iter()
                .enumerate()
                .filter(|(_, r)| r.name() == name)
                .map(|(i, _)| i)
                .collect();
            let any_n: Vec<usize> = m
                .iter()
                .enumerate()
                .filter(|(_, r)| r.all_ids().any(|x| &*x.name == name))
                .map(|(i, _)| i)
                .collect();
            assert_eq!(m.positions_by_cur_name(name), cur_n.as_slice());
            assert_eq!(m.positions_by_any_name(name), any_n.as_slice());
            let prev_n: Vec<usize> = m
                .iter()
                .enumerate()
                .filter(|(_, r)| r.prev_ids().iter().any(|x| &*x.name == name))
                .map(|(i, _)| i)
                .collect();
            assert_eq!(m.positions_by_prev_name(name), prev_n.as_slice());
        }
        for k in 0..3 {
            for n in 0..3 {
                for s in 0..3 {
                    let want = id(k, n, s);
                    let cur: Vec<usize> = m
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| r.cur_id() == &want)
                        .map(|(i, _)| i)
                        .collect();
                    let any: Vec<usize> = m
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| r.all_ids().any(|x| x == &want))
                        .map(|(i, _)| i)
                        .collect();
                    assert_eq!(m.positions_by_cur_id(&want), cur.as_slice(), "cur {want}");
                    assert_eq!(m.positions_by_any_id(&want), any.as_slice(), "any {want}");
                }
            }
        }
    }

    proptest! {
        #[test]
        fn index_agrees_with_scans(ops in proptest::collection::vec(op(), 1..40)) {
            let mut m = ResMap::new();
            for op in ops {
                match op {
                    Op::Append(k, n, s) => {
                        let clash = m.iter().any(|r| r.cur_id() == &id(k, n, s));
                        prop_assert_eq!(m.append(res(k, n, s)).is_err(), clash);
                    }
                    Op::RenameByUpdate(i, n) => {
                        m.update(i, |r| {
                            r.store_previous_id();
                            r.set_name(NAMES[n]);
                        });
                    }
                    Op::MoveNsByGetMut(i, s) => {
                        if let Some(r) = m.get_mut(i) {
                            r.set_namespace(NSS[s]);
                        }
                    }
                    Op::RenameByGetMut(i, n) => {
                        if let Some(r) = m.get_mut(i) {
                            r.store_previous_id();
                            r.set_name(NAMES[n]);
                        }
                    }
                    Op::TwoGetMuts(i, j, n) => {
                        if let Some(r) = m.get_mut(i) {
                            r.set_name(NAMES[n]);
                        }
                        if let Some(r) = m.get_mut(j) {
                            r.store_previous_id();
                            r.set_namespace(NSS[n]);
                        }
                    }
                    Op::Remove(k, n, s) => {
                        let count = m.iter().filter(|r| r.cur_id() == &id(k, n, s)).count();
                        prop_assert_eq!(m.remove(&id(k, n, s)).is_ok(), count == 1);
                    }
                    Op::RetainNot(n) => m.retain(|r| r.name() != NAMES[n]),
                    Op::Sort => m.sort_legacy(&LegacyOrder::default()),
                    Op::Set(i, k, n, s) => m.set(i, res(k, n, s)),
                }
                check(&m);
            }
        }
    }
}
