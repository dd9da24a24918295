using System;
using System.Collections.Generic;
using System.IO;

namespace TokUsage.Discovery
{
    /// <summary>
    /// The environment variables and home folder that decide where clients keep their logs. Captured once per cmdlet
    /// invocation (so a run sees one consistent environment) and injectable for tests.
    /// </summary>
    internal sealed class ClientEnvironment
    {
        private readonly Func<string, string?> _variables;

        public ClientEnvironment(string home, Func<string, string?> variables)
        {
            Home = home;
            _variables = variables;
        }

        /// <summary>The user's home: HOME when it is an absolute path (also on Windows), else the OS profile folder.</summary>
        public string Home { get; }

        public static ClientEnvironment FromProcess()
        {
            var home = Environment.GetEnvironmentVariable("HOME");
            if (string.IsNullOrWhiteSpace(home) || !Path.IsPathRooted(home))
            {
                home = Environment.GetEnvironmentVariable("USERPROFILE");
            }

            if (string.IsNullOrWhiteSpace(home))
            {
                home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            }

            return new ClientEnvironment(home!, Environment.GetEnvironmentVariable);
        }

        /// <summary>The variable's value, or null when unset or blank.</summary>
        public string? Get(string name)
        {
            var value = _variables(name);
            return string.IsNullOrWhiteSpace(value) ? null : value!.Trim();
        }

        /// <summary>Splits a comma-separated list variable into paths with <c>~</c> expanded; empty when unset.</summary>
        public IReadOnlyList<string> GetPathList(string name)
        {
            var value = Get(name);
            var result = new List<string>();
            if (value is null)
            {
                return result;
            }

            foreach (var part in value.Split(','))
            {
                var path = part.Trim();
                if (path.Length > 0)
                {
                    result.Add(ExpandHome(path));
                }
            }

            return result;
        }

        /// <summary>Expands a leading <c>~</c> to <see cref="Home"/>.</summary>
        public string ExpandHome(string path)
        {
            if (path == "~")
            {
                return Home;
            }

            if (path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal))
            {
                return Path.Combine(Home, path.Substring(2));
            }

            return path;
        }
    }
}
