"""The compute engine: frames in, frames out; no paths, no printing, no drawing."""
