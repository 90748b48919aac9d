//! `if_nametoindex` and `if_indextoname` against the kernel's own view of `lo`
//! (`/sys/class/net/lo/ifindex`), and their errors.

use sockapi::*;

/// The loopback interface's index as the kernel reports it in sysfs.
fn lo_index() -> u32 {
    std::fs::read_to_string("/sys/class/net/lo/ifindex")
        .expect("/sys/class/net/lo/ifindex")
        .trim()
        .parse()
        .expect("an index")
}

#[test]
fn loopback_name_and_index_round_trip() {
    let index = lo_index();
    assert_eq!(if_nametoindex("lo"), Ok(index));
    let name = if_indextoname(index).unwrap();
    assert_eq!(name, "lo");
    assert_eq!(name.as_bytes(), b"lo");
    assert_eq!(name.to_str(), Some("lo"));
    assert_eq!(name.to_string(), "lo");
    assert_eq!(format!("{name:?}"), "\"lo\"");
    assert_eq!(if_nametoindex(name.to_str().unwrap()), Ok(index));
}

#[test]
fn unknown_names_are_enodev() {
    assert_eq!(if_nametoindex("sockapi-none0"), Err(Errno::ENODEV));
    assert_eq!(if_nametoindex(""), Err(Errno::ENODEV));
    // 15 bytes is the longest name there can be; 16 and more cannot name one.
    assert_eq!(if_nametoindex("abcdefghijklmno"), Err(Errno::ENODEV));
    assert_eq!(if_nametoindex("abcdefghijklmnop"), Err(Errno::ENODEV));
    assert_eq!(if_nametoindex(&"x".repeat(4096)), Err(Errno::ENODEV));
}

#[test]
fn a_nul_inside_the_name_is_einval_not_a_shorter_name() {
    // In C, "lo\0x" would be "lo"; here it is refused, never cut.
    assert_eq!(if_nametoindex("lo\0x"), Err(Errno::EINVAL));
    assert_eq!(if_nametoindex("\0"), Err(Errno::EINVAL));
}

#[test]
fn unknown_indexes_are_enxio() {
    assert_eq!(if_indextoname(0), Err(Errno::ENXIO));
    assert_eq!(if_indextoname(u32::MAX), Err(Errno::ENXIO));
}

/// Every index the kernel lists names an interface whose name maps back to it.
#[test]
fn every_interface_round_trips() {
    let mut seen = 0;
    for entry in std::fs::read_dir("/sys/class/net").expect("/sys/class/net") {
        let entry = entry.unwrap();
        let name = entry.file_name().into_string().unwrap();
        let index: u32 = std::fs::read_to_string(entry.path().join("ifindex"))
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert_eq!(if_nametoindex(&name), Ok(index), "{name}");
        assert_eq!(if_indextoname(index).unwrap(), name.as_str(), "{index}");
        seen += 1;
    }
    assert!(seen >= 1, "no interface at all, not even lo");
}

/// A `&CStr` goes to C as it is and gives what the `&str` gives; `c""` is C's `""`.
#[test]
fn cstr_names_give_what_str_names_give() {
    use std::ffi::CString;
    let index = lo_index();
    assert_eq!(if_nametoindex(c"lo"), Ok(index));
    assert_eq!(if_nametoindex(&CString::new("lo").unwrap()), Ok(index));
    assert_eq!(if_nametoindex(c"sockapi-none0"), Err(Errno::ENODEV));
    assert_eq!(if_nametoindex(c""), if_nametoindex(""));
    assert_eq!(if_nametoindex(c""), Err(Errno::ENODEV));
    // Too long for any interface: ENODEV, without a call, as for a `&str`.
    assert_eq!(if_nametoindex(c"abcdefghijklmnop"), Err(Errno::ENODEV));
}
