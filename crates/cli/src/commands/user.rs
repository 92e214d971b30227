use crate::Failure;
use crate::location::StoreArgs;
use rectify_domain::actor::{Actor, Role};
use rectify_domain::ids::UnitId;
use rectify_store::accounts::{NewAccount, random_secret};
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
        /// Read the password from standard input (otherwise one is generated and printed).
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
}

pub async fn run(cmd: Command) -> Result<(), Failure> {
    match cmd {
        Command::Add { username, role, unit, password_stdin, store } => {
            let role = Role::parse(&role).ok_or_else(|| {
                Failure::BadInput(format!(
                    "--role {role:?} is not one of: {}",
                    Role::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ")
                ))
            })?;
            let unit_id = match unit {
                Some(u) => {
                    Some(u.parse::<UnitId>().map_err(|_| Failure::BadInput(format!("--unit {u:?} is not a unit id")))?)
                }
                None => None,
            };
            let (password, generated) = if password_stdin {
                let mut s = String::new();
                std::io::stdin().read_to_string(&mut s).map_err(Failure::runtime)?;
                (s.trim_end_matches(['\n', '\r']).to_owned(), false)
            } else {
                (random_secret("").chars().take(20).collect(), true)
            };
            let s = store.open().await?;
            let account = s
                .create_account(
                    &Actor::system(),
                    NewAccount {
                        username: Some(username),
                        password: Some(password.clone()),
                        role: Some(role),
                        unit_id,
                        display_name: None,
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
    }
}
