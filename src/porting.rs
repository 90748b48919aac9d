#![doc = include_str!("../docs/PORTING.md")]
