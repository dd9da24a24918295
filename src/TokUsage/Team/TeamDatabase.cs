using System;
using Npgsql;

namespace TokUsage.Team
{
    /// <summary>
    /// The team's PostgreSQL database (issue 17): one table of messages keyed by (client, dedup key) — the keys
    /// Get-TokenUsage deduplicates by — tagged with the machine and user of the first copy received, and a versioned
    /// schema created on first use. The connection string is the caller's secret: it is never put into a message.
    /// Thread-safe (one <see cref="NpgsqlDataSource"/> pools the connections).
    /// </summary>
    internal sealed class TeamDatabase : IDisposable
    {
        /// <summary>Schema of this build; a database whose schema is newer is refused.</summary>
        internal const int SchemaVersion = 1;

        private readonly NpgsqlDataSource _source;

        private TeamDatabase(NpgsqlDataSource source, string name)
        {
            _source = source;
            Name = name;
        }

        /// <summary>The database as messages name it: <c>name on host:port</c>, never the credentials.</summary>
        public string Name { get; }

        /// <param name="connections">The most connections open at once (the sender's batches in flight).</param>
        /// <param name="credential">User name and password that replace the connection string's, or null.</param>
        public static TeamDatabase Connect(string connectionString, int connections, System.Net.NetworkCredential? credential = null)
        {
            NpgsqlConnectionStringBuilder builder;
            try
            {
                builder = new NpgsqlConnectionStringBuilder(connectionString);
                if (credential != null)
                {
                    builder.Username = credential.UserName;
                    builder.Password = credential.Password;
                }
            }
            catch (ArgumentException e)
            {
                // The parser's message can quote the string; only its shape is named.
                throw new TeamException(TeamProblem.BadConnectionString, "The connection string is not one PostgreSQL understands (" + e.GetType().Name + ").", null);
            }

            var name = $"{builder.Database ?? "postgres"} on {builder.Host}:{builder.Port}";
            builder.MaxPoolSize = Math.Max(builder.MaxPoolSize > 0 ? Math.Min(builder.MaxPoolSize, 100) : connections, connections);
            builder.ApplicationName = string.IsNullOrEmpty(builder.ApplicationName) ? "TokUsage" : builder.ApplicationName;
            return new TeamDatabase(new NpgsqlDataSourceBuilder(builder.ConnectionString).Build(), name);
        }

        public NpgsqlDataSource Source => _source;

        /// <summary>
        /// Checks the schema, creating it when <paramref name="create"/> and there is none. Two first runs at once create
        /// it once (an advisory lock). A newer schema, or tables TokUsage did not make, are refused and left alone.
        /// </summary>
        public void EnsureSchema(bool create)
        {
            using var connection = _source.OpenConnection();
            using var transaction = connection.BeginTransaction();
            if (create)
            {
                // Only a run that may create the tables takes the lock: reports only read the version.
                Execute(connection, transaction, "SELECT pg_advisory_xact_lock(5418295210143823187)");
            }

            var version = Version(connection, transaction);
            if (version > SchemaVersion)
            {
                throw new TeamException(TeamProblem.SchemaTooNew,
                    $"The team database's TokUsage schema is version {version}; this TokUsage knows version {SchemaVersion}. Update the module on this machine; the database is left as it is.", null);
            }

            if (version == SchemaVersion)
            {
                return;
            }

            if (!create)
            {
                throw new TeamException(TeamProblem.NoSchema, "The team database has no TokUsage tables yet: send usage to it first (Send-TokenUsage creates them), or run Send-TokenUsage -Initialize.", null);
            }

            Execute(connection, transaction, @"
CREATE TABLE tokusage_schema (version integer NOT NULL);
INSERT INTO tokusage_schema VALUES (1);
CREATE TABLE tokusage_message (
    client text NOT NULL,
    key bytea NOT NULL,
    machine text NOT NULL,
    user_name text NOT NULL,
    time timestamptz NOT NULL,
    session text NOT NULL,
    project text NOT NULL,
    model text NOT NULL,
    input bigint NOT NULL,
    output bigint NOT NULL,
    cache_read bigint NOT NULL,
    cache_write bigint NOT NULL,
    cache_write_1h bigint NOT NULL,
    reasoning bigint NOT NULL,
    reported_cost numeric,
    fast boolean NOT NULL,
    markup numeric NOT NULL,
    path text NOT NULL,
    received timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (client, key));
CREATE INDEX tokusage_message_time ON tokusage_message (time);");
            transaction.Commit();
        }

        /// <summary>Messages in the database.</summary>
        public long Count()
        {
            using var connection = _source.OpenConnection();
            using var command = new NpgsqlCommand("SELECT count(*) FROM tokusage_message", connection);
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }

        // Through IDisposable: the netstandard build of Npgsql declares Dispose on its own DbDataSource polyfill, which the
        // net8+ build (what a .NET host such as the bench resolves) forwards to System.Data.Common.
        public void Dispose() => ((IDisposable)_source).Dispose();

        private static int Version(NpgsqlConnection connection, NpgsqlTransaction transaction)
        {
            using var exists = new NpgsqlCommand("SELECT to_regclass('tokusage_schema') IS NOT NULL", connection, transaction);
            if (!(bool)exists.ExecuteScalar()!)
            {
                return 0;
            }

            using var read = new NpgsqlCommand("SELECT max(version) FROM tokusage_schema", connection, transaction);
            var value = read.ExecuteScalar();
            return value is int version ? version : 0;
        }

        private static void Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
        {
            using var command = new NpgsqlCommand(sql, connection, transaction);
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Why the team database cannot be used; each maps to a stable PowerShell ErrorId.</summary>
    internal enum TeamProblem
    {
        BadConnectionString,
        SchemaTooNew,
        NoSchema,
        Unreachable,
        SendFailed,
    }

    internal sealed class TeamException : Exception
    {
        public TeamException(TeamProblem problem, string message, Exception? inner)
            : base(message, inner)
        {
            Problem = problem;
        }

        public TeamProblem Problem { get; }

        public string ErrorId => Problem switch
        {
            TeamProblem.BadConnectionString => "InvalidConnectionString",
            TeamProblem.SchemaTooNew => "TeamSchemaTooNew",
            TeamProblem.NoSchema => "TeamSchemaMissing",
            TeamProblem.Unreachable => "TeamDatabaseUnreachable",
            _ => "TeamSendFailed",
        };
    }
}
