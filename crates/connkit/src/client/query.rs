//! [`QueryValue`]: what can be sent as a query parameter.

/// A value that becomes zero or more query parameter values: scalars give one, `None` gives
/// none (the parameter is skipped), slices and vectors give one per element (the parameter is
/// repeated, or comma-joined with
/// [`RequestBuilder::query_csv`](crate::RequestBuilder::query_csv)).
pub trait QueryValue {
    /// Appends this value's textual forms to `out`.
    fn push_values(&self, out: &mut Vec<String>);
}

macro_rules! display_query_value {
    ($($t:ty),*) => {$(
        impl QueryValue for $t {
            fn push_values(&self, out: &mut Vec<String>) {
                out.push(self.to_string());
            }
        }
    )*};
}

display_query_value!(
    str, String, bool, char, u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize, f32,
    f64
);

impl QueryValue for std::borrow::Cow<'_, str> {
    fn push_values(&self, out: &mut Vec<String>) {
        out.push(self.to_string());
    }
}

impl<T: QueryValue + ?Sized> QueryValue for &T {
    fn push_values(&self, out: &mut Vec<String>) {
        (**self).push_values(out);
    }
}

impl<T: QueryValue> QueryValue for Option<T> {
    fn push_values(&self, out: &mut Vec<String>) {
        if let Some(value) = self {
            value.push_values(out);
        }
    }
}

impl<T: QueryValue> QueryValue for [T] {
    fn push_values(&self, out: &mut Vec<String>) {
        for value in self {
            value.push_values(out);
        }
    }
}

impl<T: QueryValue, const N: usize> QueryValue for [T; N] {
    fn push_values(&self, out: &mut Vec<String>) {
        self.as_slice().push_values(out);
    }
}

impl<T: QueryValue> QueryValue for Vec<T> {
    fn push_values(&self, out: &mut Vec<String>) {
        self.as_slice().push_values(out);
    }
}
