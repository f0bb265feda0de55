//! The generated surfaces (written next).
