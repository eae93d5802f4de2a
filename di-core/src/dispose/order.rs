//! The orders disposal walks: the creation chain of the filled slots, newest first, and its
//! merge with the tracked transients.

use crate::dispose::created::{Created, CreatedSlots};

/// The filled slots, newest first.
pub(super) struct Chain<'a> {
    slots: &'a dyn CreatedSlots,
    next: usize,
}

impl<'a> Chain<'a> {
    /// The chain of `slots` from `newest` (the newest filled slot, plus one; 0: none).
    pub(super) fn new(slots: &'a dyn CreatedSlots, newest: usize) -> Self {
        Self {
            slots,
            next: newest,
        }
    }
}

impl<'a> Iterator for Chain<'a> {
    type Item = &'a Created;

    fn next(&mut self) -> Option<&'a Created> {
        let slot = self.next.checked_sub(1)?;
        let created = self.slots.created(slot)?;
        self.next = created.prev as usize;
        Some(created)
    }
}

/// Merges two newest-first sequences of created instances by creation order.
pub(super) struct NewestFirst<'a, A: Iterator<Item = &'a Created>, B: Iterator<Item = &'a Created>>
{
    a: std::iter::Peekable<A>,
    b: std::iter::Peekable<B>,
}

impl<'a, A: Iterator<Item = &'a Created>, B: Iterator<Item = &'a Created>> NewestFirst<'a, A, B> {
    pub(super) fn new(a: A, b: B) -> Self {
        Self {
            a: a.peekable(),
            b: b.peekable(),
        }
    }
}

impl<'a, A: Iterator<Item = &'a Created>, B: Iterator<Item = &'a Created>> Iterator
    for NewestFirst<'a, A, B>
{
    type Item = &'a Created;

    fn next(&mut self) -> Option<&'a Created> {
        match (self.a.peek(), self.b.peek()) {
            (Some(a), Some(b)) if b.seq > a.seq => self.b.next(),
            (Some(_), _) => self.a.next(),
            (None, _) => self.b.next(),
        }
    }
}
