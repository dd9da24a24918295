using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml;

namespace TokUsage.HelpGen
{
    /// <summary>Writes PowerShell's MAML help format (what platyPS's New-ExternalHelp produces) for command pages.</summary>
    public static class MamlWriter
    {
        private const string Msh = "http://msh";
        private const string Maml = "http://schemas.microsoft.com/maml/2004/10";
        private const string Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
        private const string Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

        public static string Write(IEnumerable<CommandPage> pages)
        {
            var sb = new StringBuilder();
            var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false), OmitXmlDeclaration = false };
            using (var w = XmlWriter.Create(new StringWriterUtf8(sb), settings))
            {
                w.WriteStartDocument();
                w.WriteStartElement("helpItems", Msh);
                w.WriteAttributeString("schema", "maml");
                foreach (var page in pages)
                {
                    WriteCommand(w, page);
                }

                w.WriteEndElement();
                w.WriteEndDocument();
            }

            return sb.ToString();
        }

        private static void WriteCommand(XmlWriter w, CommandPage page)
        {
            w.WriteStartElement("command", "command", Command);
            w.WriteAttributeString("xmlns", "maml", null, Maml);
            w.WriteAttributeString("xmlns", "command", null, Command);
            w.WriteAttributeString("xmlns", "dev", null, Dev);

            var dash = page.Name.IndexOf('-');
            w.WriteStartElement("details", Command);
            w.WriteElementString("name", Command, page.Name);
            w.WriteElementString("verb", Command, dash > 0 ? page.Name.Substring(0, dash) : page.Name);
            w.WriteElementString("noun", Command, dash > 0 ? page.Name.Substring(dash + 1) : string.Empty);
            Paras(w, "description", Maml, page.Synopsis);
            w.WriteEndElement();

            Paras(w, "description", Maml, page.Description);

            w.WriteStartElement("syntax", Command);
            foreach (var (set, _) in page.ParameterSets)
            {
                w.WriteStartElement("syntaxItem", Command);
                w.WriteElementString("name", Maml, page.Name);
                foreach (var p in page.Parameters.Where(p => p.Sets.Contains(set) || p.Sets.Contains("(All)")))
                {
                    WriteParameter(w, p, inSyntax: true);
                }

                w.WriteEndElement();
            }

            w.WriteEndElement();

            w.WriteStartElement("parameters", Command);
            foreach (var p in page.Parameters)
            {
                WriteParameter(w, p, inSyntax: false);
            }

            w.WriteEndElement();

            TypeNotes(w, "inputTypes", "inputType", page.Inputs);
            TypeNotes(w, "returnValues", "returnValue", page.Outputs);

            w.WriteStartElement("alertSet", Maml);
            w.WriteStartElement("alert", Maml);
            foreach (var note in page.Notes.DefaultIfEmpty(string.Empty))
            {
                w.WriteElementString("para", Maml, note);
            }

            w.WriteEndElement();
            w.WriteEndElement();

            w.WriteStartElement("examples", Command);
            foreach (var example in page.Examples)
            {
                w.WriteStartElement("example", Command);
                w.WriteElementString("title", Maml, $"-------------------------- {example.Title} --------------------------");
                w.WriteElementString("code", Dev, string.Join("\n", example.Code));
                w.WriteStartElement("remarks", Dev);
                foreach (var remark in example.Remarks.DefaultIfEmpty(string.Empty))
                {
                    w.WriteElementString("para", Maml, remark);
                }

                w.WriteEndElement();
                w.WriteEndElement();
            }

            w.WriteEndElement();

            w.WriteStartElement("relatedLinks", Command);
            foreach (var (text, uri) in page.Links)
            {
                w.WriteStartElement("navigationLink", Maml);
                w.WriteElementString("linkText", Maml, text);
                w.WriteElementString("uri", Maml, uri);
                w.WriteEndElement();
            }

            w.WriteEndElement();
            w.WriteEndElement();
        }

        private static void WriteParameter(XmlWriter w, HelpParameter p, bool inSyntax)
        {
            w.WriteStartElement("parameter", Command);
            w.WriteAttributeString("required", p.Required ? "true" : "false");
            w.WriteAttributeString("variableLength", p.Type.EndsWith("[]") ? "true" : "false");
            w.WriteAttributeString("globbing", p.Globbing ? "true" : "false");
            w.WriteAttributeString("pipelineInput", p.PipelineInput);
            w.WriteAttributeString("position", p.Position.ToLowerInvariant() == "named" ? "named" : p.Position);
            w.WriteAttributeString("aliases", p.Aliases.Length == 0 ? "none" : p.Aliases);
            w.WriteElementString("name", Maml, p.Name);
            Paras(w, "description", Maml, p.Description);
            if (inSyntax && p.AcceptedValues.Count > 0)
            {
                w.WriteStartElement("parameterValueGroup", Command);
                foreach (var value in p.AcceptedValues)
                {
                    w.WriteStartElement("parameterValue", Command);
                    w.WriteAttributeString("required", "false");
                    w.WriteAttributeString("command", "parameterValue", null, "false");
                    w.WriteString(value);
                    w.WriteEndElement();
                }

                w.WriteEndElement();
            }
            else if (!p.IsSwitch)
            {
                w.WriteStartElement("parameterValue", Command);
                w.WriteAttributeString("required", "true");
                w.WriteAttributeString("variableLength", "false");
                w.WriteString(p.Type);
                w.WriteEndElement();
            }

            w.WriteStartElement("type", Dev);
            w.WriteElementString("name", Maml, p.Type);
            w.WriteElementString("uri", Maml, string.Empty);
            w.WriteEndElement();
            w.WriteElementString("defaultValue", Dev, p.DefaultValue);
            w.WriteEndElement();
        }

        private static void TypeNotes(XmlWriter w, string outer, string inner, IEnumerable<HelpTypeNote> notes)
        {
            w.WriteStartElement(outer, Command);
            foreach (var note in notes)
            {
                w.WriteStartElement(inner, Command);
                w.WriteStartElement("type", Dev);
                w.WriteElementString("name", Maml, note.Type);
                w.WriteEndElement();
                Paras(w, "description", Maml, note.Description);
                w.WriteEndElement();
            }

            w.WriteEndElement();
        }

        private static void Paras(XmlWriter w, string element, string ns, IEnumerable<string> paragraphs)
        {
            w.WriteStartElement(element, ns);
            foreach (var para in paragraphs)
            {
                w.WriteElementString("para", Maml, para);
            }

            w.WriteEndElement();
        }

        private sealed class StringWriterUtf8 : StringWriter
        {
            public StringWriterUtf8(StringBuilder sb) : base(sb)
            {
            }

            public override Encoding Encoding => new UTF8Encoding(false);
        }
    }
}
