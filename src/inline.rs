//! A short list kept on the stack: the per-message lists that rarely hold more than a few
//! items neither allocate nor free (with glibc, a free costs some ninety instructions and an
//! allocation fifty).

/// Up to `N` items inline, all of them on the heap once there are more.
pub(crate) struct Inline<T, const N: usize> {
    inline: [T; N],
    len: usize,
    /// All the items, once there are more than fit inline.
    spill: Vec<T>,
}

impl<T: Copy + Default, const N: usize> Inline<T, N> {
    pub(crate) fn new() -> Self {
        Inline {
            inline: [T::default(); N],
            len: 0,
            spill: Vec::new(),
        }
    }

    #[inline]
    pub(crate) fn push(&mut self, item: T) {
        if let Some(slot) = self.inline.get_mut(self.len) {
            *slot = item;
        } else {
            if self.spill.is_empty() {
                self.spill.reserve(2 * N);
                self.spill.extend_from_slice(&self.inline);
            }
            self.spill.push(item);
        }
        self.len += 1;
    }
}

impl<T, const N: usize> std::ops::Deref for Inline<T, N> {
    type Target = [T];

    #[inline]
    fn deref(&self) -> &[T] {
        if self.spill.is_empty() {
            self.inline.get(..self.len).unwrap_or_default()
        } else {
            &self.spill
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Inline;

    #[test]
    fn items_past_the_inline_ones_are_all_kept_in_order() {
        let mut list: Inline<usize, 4> = Inline::new();
        let all: Vec<usize> = (0..12).collect();
        for (k, &item) in all.iter().enumerate() {
            list.push(item);
            assert_eq!(&list[..], all.get(..=k).unwrap_or_default());
        }
    }
}
