//! A simulated network between devices whose stores live on disk: messages can be dropped,
//! duplicated, held back and delivered out of order, links can be cut, and a device can be
//! restarted from its store at any moment. The convergence and clock tests drive it.
//!
//! Each device keeps an Automerge sync state per peer and document in memory, as a live
//! connection would, and loses them when it restarts; the states it persisted (their shared
//! heads) are what it resumes from, as after a real restart.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use automerge::sync::{Message, State};
use gridbook_model::{DocId, Gridbook, Result};
use tempfile::TempDir;

/// A directory for a device's store: in memory-backed `/dev/shm` when the machine has it, so
/// that thousands of durable commits cost no disk flushes, else the system's temporary
/// directory. The store is a real redb file either way.
pub fn store_dir() -> TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(dir) = tempfile::tempdir_in(shm)
    {
        return dir;
    }
    tempfile::tempdir().expect("a temporary directory")
}

/// One device in the simulation.
pub struct Replica {
    /// Where its store lives.
    pub dir: TempDir,
    book: Option<Gridbook>,
    /// Its device id (hex): the name peers keep sync states under.
    pub id: String,
    /// Sync states of live connections, by (peer index, document); lost on restart.
    states: HashMap<(usize, DocId), State>,
    /// How many times it was restarted.
    pub restarts: usize,
    /// The time its clock is stuck at, if set (kept across restarts).
    clock: Option<gridbook_model::time::Timestamp>,
}

impl Replica {
    /// A device with a fresh store in its own directory and the device key `secret`.
    pub fn create_with_key(secret: [u8; 32]) -> Result<Replica> {
        let dir = store_dir();
        let book = Gridbook::create_with_key(dir.path(), secret, &crate::passphrase())?;
        Ok(Replica {
            id: book.device().id_hex(),
            dir,
            book: Some(book),
            states: HashMap::new(),
            restarts: 0,
            clock: None,
        })
    }

    /// The device's Gridbook.
    pub fn book(&mut self) -> &mut Gridbook {
        self.book
            .as_mut()
            .expect("a replica is open between restarts")
    }

    /// Sets the device's clock to say `now` from here on, restarts included.
    pub fn set_now(&mut self, now: Option<gridbook_model::time::Timestamp>) {
        self.clock = now;
        self.book().set_now(now);
    }

    /// Closes the store and opens it again from disk, forgetting everything held in memory.
    pub fn restart(&mut self) -> Result<()> {
        self.book = None;
        let mut book = Gridbook::open(self.dir.path(), &crate::passphrase())?;
        book.set_now(self.clock);
        self.book = Some(book);
        self.states.clear();
        self.restarts += 1;
        Ok(())
    }
}

/// What the network does to one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Delivered at once.
    Deliver,
    /// Lost.
    Drop,
    /// Delivered twice.
    Duplicate,
    /// Held back, to be delivered later, after other messages.
    Delay,
}

/// A message on its way.
#[derive(Debug, Clone)]
pub struct InFlight {
    from: usize,
    to: usize,
    doc: DocId,
    bytes: Vec<u8>,
}

/// Devices and the network between them.
pub struct Net {
    /// The devices.
    pub replicas: Vec<Replica>,
    in_flight: Vec<InFlight>,
    cut: HashSet<(usize, usize)>,
    /// Messages generated (whatever became of them).
    pub sent: usize,
    /// Messages that reached a device.
    pub delivered: usize,
}

impl Net {
    /// A network of these devices, every link up.
    pub fn new(replicas: Vec<Replica>) -> Net {
        Net {
            replicas,
            in_flight: Vec::new(),
            cut: HashSet::new(),
            sent: 0,
            delivered: 0,
        }
    }

    fn link(a: usize, b: usize) -> (usize, usize) {
        (a.min(b), a.max(b))
    }

    /// Cuts the link between `a` and `b`, or mends it if it was cut.
    pub fn toggle_partition(&mut self, a: usize, b: usize) {
        let link = Self::link(a, b);
        if !self.cut.remove(&link) {
            self.cut.insert(link);
        }
    }

    /// Whether `a` and `b` can reach each other.
    pub fn connected(&self, a: usize, b: usize) -> bool {
        a != b && !self.cut.contains(&Self::link(a, b))
    }

    /// Every document either device holds.
    pub fn docs_of(&mut self, a: usize, b: usize) -> Result<Vec<DocId>> {
        let mut docs: BTreeSet<DocId> = self.replicas[a].book().doc_ids()?.into_iter().collect();
        docs.extend(self.replicas[b].book().doc_ids()?);
        Ok(docs.into_iter().collect())
    }

    fn state(&mut self, at: usize, peer: usize, doc: &DocId) -> Result<State> {
        let key = (peer, doc.clone());
        if let Some(s) = self.replicas[at].states.remove(&key) {
            return Ok(s);
        }
        let peer_id = self.replicas[peer].id.clone();
        self.replicas[at].book().sync_state(&peer_id, doc)
    }

    /// `from` generates its next message to `to` about `doc` and hands it to the network,
    /// which does `fault` to it. Returns whether there was anything to send.
    pub fn send(&mut self, from: usize, to: usize, doc: &DocId, fault: Fault) -> Result<bool> {
        let mut state = self.state(from, to, doc)?;
        let message = self.replicas[from]
            .book()
            .generate_sync_message(doc, &mut state)?;
        self.replicas[from].states.insert((to, doc.clone()), state);
        let Some(message) = message else {
            return Ok(false);
        };
        self.sent += 1;
        let m = InFlight {
            from,
            to,
            doc: doc.clone(),
            bytes: message.encode(),
        };
        match fault {
            Fault::Deliver => self.deliver(m)?,
            Fault::Drop => {}
            Fault::Duplicate => {
                self.deliver(m.clone())?;
                self.deliver(m)?;
            }
            Fault::Delay => self.in_flight.push(m),
        }
        Ok(true)
    }

    /// Delivers the held-back message at `index` (modulo how many there are), if any: out of
    /// order with everything sent since. A cut link loses it.
    pub fn deliver_late(&mut self, index: usize) -> Result<()> {
        if self.in_flight.is_empty() {
            return Ok(());
        }
        let m = self.in_flight.remove(index % self.in_flight.len());
        self.deliver(m)
    }

    fn deliver(&mut self, m: InFlight) -> Result<()> {
        if !self.connected(m.from, m.to) {
            return Ok(());
        }
        let message = Message::decode(&m.bytes).expect("an encoded message decodes");
        let mut state = self.state(m.to, m.from, &m.doc)?;
        let peer = self.replicas[m.from].id.clone();
        self.replicas[m.to]
            .book()
            .receive_sync_message(&peer, &m.doc, &mut state, message)?;
        self.replicas[m.to].states.insert((m.from, m.doc), state);
        self.delivered += 1;
        Ok(())
    }

    /// A burst of traffic between `a` and `b` about every document either holds: half-duplex
    /// turns, each message suffering the next of `faults` (cycled), at most `turns` turns per
    /// document. Like a real session it may be cut short and leave the devices apart.
    pub fn burst(&mut self, a: usize, b: usize, faults: &[Fault], turns: usize) -> Result<()> {
        if !self.connected(a, b) || faults.is_empty() {
            return Ok(());
        }
        let mut next = faults.iter().copied().cycle();
        for doc in self.docs_of(a, b)? {
            for _ in 0..turns {
                let said = self.send(a, b, &doc, next.next().unwrap_or(Fault::Deliver))?;
                let answered = self.send(b, a, &doc, next.next().unwrap_or(Fault::Deliver))?;
                if !said && !answered {
                    break;
                }
            }
        }
        Ok(())
    }

    /// Heals every link, forgets what is still in flight and syncs every pair of devices
    /// over a perfect network, each pair as a fresh session resuming from the sync states the
    /// devices stored. Returns the most rounds any one document took.
    pub fn final_exchange(&mut self, max_rounds: usize) -> Result<usize> {
        self.cut.clear();
        self.in_flight.clear();
        for r in &mut self.replicas {
            r.states.clear();
        }
        let n = self.replicas.len();
        let mut most = 0;
        // A chain out and back reaches every device from every other.
        let mut pairs: Vec<(usize, usize)> = (1..n).map(|i| (i - 1, i)).collect();
        pairs.extend((1..n).rev().map(|i| (i - 1, i)));
        for (a, b) in pairs {
            let (left, right) = self.replicas.split_at_mut(b);
            let t = crate::sync_all(left[a].book(), right[0].book(), max_rounds)?;
            most = most.max(t.rounds);
        }
        Ok(most)
    }
}
