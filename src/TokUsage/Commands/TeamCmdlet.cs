using System;
using System.Management.Automation;
using Npgsql;
using TokUsage.Team;

namespace TokUsage.Commands
{
    /// <summary>
    /// What the team database's cmdlets share: where the database is (-ConnectionString, else the
    /// TOKUSAGE_TEAM_DATABASE environment variable), the credentials (-Credential, or in the string), and one mapping
    /// from the database's problems to stable ErrorIds. The connection string is a secret: no message, error target or
    /// verbose line holds it; the database is named as <c>name on host:port</c>.
    /// </summary>
    public abstract class TeamCmdlet : TokUsageCmdlet
    {
        /// <summary>The environment variable that holds the connection string when -ConnectionString is not given.</summary>
        public const string ConnectionVariable = "TOKUSAGE_TEAM_DATABASE";

        /// <summary>
        /// The team's PostgreSQL database as an Npgsql connection string (Host=…;Database=…;Username=…). Default: the
        /// TOKUSAGE_TEAM_DATABASE environment variable. Keep the password out of it with -Credential, or take the whole
        /// string from a secret vault (Get-Secret -AsPlainText).
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ConnectionString { get; set; }

        /// <summary>User name and password for the database (override those of the connection string).</summary>
        [Parameter]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>The database as messages name it.</summary>
        private protected string DatabaseName { get; private set; } = "the team database";

        /// <summary>Opens the database's connection pool, or stops the command with a clear error.</summary>
        private protected TeamDatabase Connect(int connections)
        {
            var text = ConnectionString ?? Environment.GetEnvironmentVariable(ConnectionVariable);
            if (string.IsNullOrWhiteSpace(text))
            {
                ThrowParameterError("ConnectionStringMissing",
                    $"No team database is named: give -ConnectionString, or set the {ConnectionVariable} environment variable (for example 'Host=db.example.com;Database=tokusage;Username=me').",
                    null);
            }

            try
            {
                var database = TeamDatabase.Connect(text!, connections, Credential != null && Credential != PSCredential.Empty ? Credential.GetNetworkCredential() : null);
                DatabaseName = database.Name;
                return database;
            }
            catch (TeamException e)
            {
                throw TeamError(e);
            }
        }

        /// <summary>Checks (and when <paramref name="create"/>, creates) the schema; a database that cannot be used stops the command.</summary>
        private protected void EnsureSchema(TeamDatabase database, bool create)
        {
            try
            {
                database.EnsureSchema(create);
            }
            catch (Exception e) when (IsDatabaseFailure(e))
            {
                throw TeamError(new TeamException(TeamProblem.Unreachable, $"The team database ({DatabaseName}) cannot be used: {e.Message}", e));
            }
            catch (TeamException e)
            {
                throw TeamError(e);
            }
        }

        /// <summary>A failure of the database or the link to it (not of this module).</summary>
        private protected static bool IsDatabaseFailure(Exception e) =>
            e is NpgsqlException || e is PostgresException || e is System.IO.IOException || e is System.Net.Sockets.SocketException || e is TimeoutException;

        /// <summary>The terminating error of a team database problem (throw the result).</summary>
        private protected PipelineStoppedException TeamError(TeamException e)
        {
            var category = e.Problem switch
            {
                TeamProblem.BadConnectionString => ErrorCategory.InvalidArgument,
                TeamProblem.SchemaTooNew => ErrorCategory.InvalidData,
                TeamProblem.NoSchema => ErrorCategory.ObjectNotFound,
                TeamProblem.Unreachable => ErrorCategory.ConnectionError,
                _ => ErrorCategory.WriteError,
            };
            ThrowTerminatingError(new ErrorRecord(e, e.ErrorId, category, DatabaseName));
            return new PipelineStoppedException(); // not reached: ThrowTerminatingError always throws
        }
    }
}
