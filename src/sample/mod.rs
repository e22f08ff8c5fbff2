//! `pbx-report sample` (SPEC §9): a deterministic synthetic call centre. `world` sets up the
//! staff, queues and shifts, `sim` plays the calls in time order, `write` lays the tables out.

mod rng;
mod sim;
mod world;
mod write;

use crate::config::SampleConfig;
use crate::error::Result;

pub use rng::Rng;

/// Generates the dataset and writes it; returns a one-line summary.
pub fn write(c: &SampleConfig) -> Result<String> {
    let world = world::World::new(c);
    let data = sim::simulate(&world, c);
    write::write(&world, &data, c)?;
    Ok(format!(
        "wrote {} legs in {} calls, {} agents, {} login sessions, {} state rows, {} off-hook rows to {}",
        data.legs.len(),
        data.calls,
        world.agents.len(),
        data.sessions.len(),
        data.states.len(),
        data.offhook.len(),
        c.out.display()
    ))
}
