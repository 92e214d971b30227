use crate::Failure;
use crate::location::StoreArgs;
use rectify_domain::actor::{Actor, Role};
use rectify_domain::ids::{PersonId, UnitId};
use rectify_store::accounts::{AccessChange, NewAccount, random_secret};
use std::io::Read;

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Create an account.
    Add {
        username: String,
        /// office_admin, office_staff, unit_leader, unit_clerk, inspector or evaluator.
        #[arg(long)]
        role: String,
        /// The unit (required for unit_leader and unit_clerk).
        #[arg(long, value_name = "UNIT_ID")]
        unit: Option<String>,
        /// The person of the directory the account stands for (an inspector's own record).
        #[arg(long, value_name = "PERSON_ID")]
        person: Option<String>,
        /// Read the password from standard input (otherwise one is generated and printed).
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Disable an account: no more sign-ins, its sessions end (history keeps it).
    Disable {
        username: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Set a new password (generated and printed, or read from standard input); sessions end.
    ResetPassword {
        username: String,
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
}

/// The password from standard input, or a generated one (and whether it was generated).
fn password(from_stdin: bool) -> Result<(String, bool), Failure> {
    if from_stdin {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(Failure::runtime)?;
        Ok((s.trim_end_matches(['\n', '\r']).to_owned(), false))
    } else {
        Ok((random_secret("").chars().take(20).collect(), true))
    }
}

pub async fn run(cmd: Command) -> Result<(), Failure> {
    match cmd {
        Command::Add { username, role, unit, person, password_stdin, store } => {
            let role = Role::parse(&role).filter(|r| Role::ACCOUNT_ROLES.contains(r)).ok_or_else(|| {
                Failure::BadInput(format!(
                    "--role {role:?} is not one of: {}",
                    Role::ACCOUNT_ROLES.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ")
                ))
            })?;
            let unit_id = match unit {
                Some(u) => {
                    Some(u.parse::<UnitId>().map_err(|_| Failure::BadInput(format!("--unit {u:?} is not a unit id")))?)
                }
                None => None,
            };
            let person_id = match person {
                Some(p) => Some(
                    p.parse::<PersonId>()
                        .map_err(|_| Failure::BadInput(format!("--person {p:?} is not a person id")))?,
                ),
                None => None,
            };
            let (password, generated) = password(password_stdin)?;
            let s = store.open().await?;
            let account = s
                .accounts()
                .create_account(
                    &Actor::system(),
                    NewAccount {
                        username: Some(username),
                        password: Some(password.clone()),
                        role: Some(role),
                        unit_id,
                        display_name: None,
                        person_id,
                    },
                )
                .await?;
            println!("Created account {} ({}), id {}", account.username, account.role.as_str(), account.id);
            if generated {
                println!("Password: {password}");
            }
            s.close().await;
            Ok(())
        }
        Command::Disable { username, store } => {
            let s = store.open().await?;
            let result = s.accounts().change_access(&Actor::system(), &username, AccessChange::Disable).await;
            s.close().await;
            let account = result?;
            println!("Disabled account {}; its sessions have ended", account.username);
            Ok(())
        }
        Command::ResetPassword { username, password_stdin, store } => {
            let (password, generated) = password(password_stdin)?;
            let s = store.open().await?;
            let result = s
                .accounts()
                .change_access(&Actor::system(), &username, AccessChange::ResetPassword(password.clone()))
                .await;
            s.close().await;
            let account = result?;
            println!("New password set for {}; its sessions have ended", account.username);
            if generated {
                println!("Password: {password}");
            }
            Ok(())
        }
    }
}
