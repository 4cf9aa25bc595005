//! The descriptor table: numbers to descriptors, lowest free number first, with the optional
//! open-files quota: `EMFILE` once the guest has that many descriptors open besides the ones it
//! was granted (standard streams and pre-opens).

use std::collections::BTreeMap;

use super::descriptor::Descriptor;
use crate::errno::Errno;

pub(crate) struct FdTable {
    map: BTreeMap<u32, Descriptor>,
    max_open: Option<usize>,
    /// Descriptors granted at build time, which the quota does not count.
    granted: usize,
    /// Set once the quota has refused an open.
    pub refused: bool,
}

impl FdTable {
    pub fn new(max_open: Option<usize>) -> Self {
        FdTable { map: BTreeMap::new(), max_open, granted: 0, refused: false }
    }

    /// Places granted descriptor `d` at `fd` (used while building: no quota check).
    pub fn insert_at(&mut self, fd: u32, d: Descriptor) {
        self.map.insert(fd, d);
        self.granted = self.map.len();
    }

    /// The open-files quota, if any.
    pub fn max_open(&self) -> Option<usize> {
        self.max_open
    }

    /// Gives `d` the lowest free number, or `EMFILE` if the quota is reached.
    pub fn push(&mut self, d: Descriptor) -> Result<u32, Errno> {
        if self.max_open.is_some_and(|max| self.map.len() >= self.granted.saturating_add(max)) {
            self.refused = true;
            return Err(Errno::Mfile);
        }
        let mut fd = 0u32;
        for &used in self.map.keys() {
            if used != fd {
                break;
            }
            fd = fd.checked_add(1).ok_or(Errno::Mfile)?;
        }
        self.map.insert(fd, d);
        Ok(fd)
    }

    pub fn get(&self, fd: u32) -> Result<&Descriptor, Errno> {
        self.map.get(&fd).ok_or(Errno::Badf)
    }

    pub fn get_mut(&mut self, fd: u32) -> Result<&mut Descriptor, Errno> {
        self.map.get_mut(&fd).ok_or(Errno::Badf)
    }

    pub fn remove(&mut self, fd: u32) -> Result<Descriptor, Errno> {
        self.map.remove(&fd).ok_or(Errno::Badf)
    }

    /// `fd_renumber`: both must be open; `to` is closed and `from` takes its number.
    pub fn renumber(&mut self, from: u32, to: u32) -> Result<(), Errno> {
        if !self.map.contains_key(&from) || !self.map.contains_key(&to) {
            return Err(Errno::Badf);
        }
        if from != to {
            let d = self.remove(from)?;
            self.map.insert(to, d);
        }
        Ok(())
    }

    pub fn numbers(&self) -> Vec<u32> {
        self.map.keys().copied().collect()
    }

    /// Every descriptor with its number, lowest first.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &Descriptor)> {
        self.map.iter().map(|(&fd, d)| (fd, d))
    }

    /// How many descriptors may be open at once under the quota (`None`: no quota): the ones
    /// granted at build time and `max_open` more.
    pub fn capacity(&self) -> Option<usize> {
        self.max_open.map(|max| self.granted.saturating_add(max))
    }

    /// Replaces every descriptor by `map` (a restored checkpoint), keeping the quota and the
    /// count of granted descriptors; what was open before is returned.
    pub fn replace_all(&mut self, map: BTreeMap<u32, Descriptor>) -> BTreeMap<u32, Descriptor> {
        self.refused = false;
        std::mem::replace(&mut self.map, map)
    }
}
