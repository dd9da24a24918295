namespace TokUsage.Clients
{
    /// <summary>
    /// One project, one name across clients: a project is named by the working directory the agent ran in, written
    /// the same way whichever client logged it (no trailing separator), so -By Project merges it. Clients that record
    /// no directory keep their own name for the project folder.
    /// </summary>
    internal static class ProjectNames
    {
        /// <summary>The project name of a working directory as a log records it.</summary>
        public static string FromDirectory(string directory)
        {
            var name = directory.Trim();
            while (name.Length > 1 && (name[name.Length - 1] == '/' || name[name.Length - 1] == '\\') && !(name.Length == 3 && name[1] == ':'))
            {
                name = name.Substring(0, name.Length - 1);
            }

            return name;
        }
    }
}
